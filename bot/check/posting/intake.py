"""What counts as a job ad to read: text, not empty, and not longer than the front end allows.

Discord's modal takes at most 4,000 characters; the CLI takes more (a long ad pasted with its page around
it), up to ``CLI_LIMIT``. Anything over 1 MB, or with NUL bytes, or not UTF-8, is a file that is not an ad
(a PDF, a Word document, an image) and is refused before it is decoded or read.
"""

from __future__ import annotations

from bot.errors import UserFacingError

#: Discord's limit for a paragraph field in a modal.
MODAL_LIMIT = 4000
#: The CLI's limit: five times the longest ad in bench/job_posts.yaml, and still read in milliseconds.
CLI_LIMIT = 20_000
#: Input larger than this is never a job ad; it is refused without being decoded.
MAX_BYTES = 1_000_000


class PostingInputError(UserFacingError):
    """Text that cannot be read as a job ad; the message says what to paste instead.

    The message is worded to follow a prefix (``pmpo-bot: the ad is empty; …``); :meth:`sentence` is the
    same on its own, for Discord and the shell.
    """

    def sentence(self) -> str:
        text = str(self)
        return f"{text[:1].upper()}{text[1:]}."


def decode_posting(data: bytes, limit: int) -> str:
    """Bytes from a file or stdin as the text of an ad (see :func:`clean_posting`)."""
    if len(data) > MAX_BYTES:
        raise PostingInputError(
            f"the input is over {MAX_BYTES // 1_000_000} MB, which is not a job ad; paste only the ad's text"
        )
    if b"\0" in data:
        raise PostingInputError(
            "the input is not text (it contains NUL bytes); paste the ad's text, not a PDF or a Word file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PostingInputError("the input is not UTF-8 text; save the ad as plain UTF-8 text and try again") from None
    return clean_posting(text, limit)


def clean_posting(text: str, limit: int) -> str:
    """The ad with Windows line ends made plain, refused if empty, binary or over ``limit`` characters."""
    if "\0" in text:
        raise PostingInputError("the ad contains NUL characters, so it is not text; paste the ad's text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise PostingInputError("the ad is empty; paste the text of a job ad")
    if len(text) > limit:
        raise PostingInputError(
            f"the ad is {len(text):,} characters, over the limit of {limit:,}; "
            "paste only the job description, without the rest of the page"
        )
    return text
