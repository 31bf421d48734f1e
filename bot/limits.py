"""Discord's size limits, shared by the validator (content must fit) and the renderers (trim to fit)."""

MESSAGE_CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
BUTTONS_PER_ROW = 5
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
AUTOCOMPLETE_CHOICES = 25
AUTOCOMPLETE_NAME = 100
CUSTOM_ID = 100


#: How much of a member's own input an error message repeats back.
ECHO = 60


def echo(text: str) -> str:
    """A member's input as an error message quotes it: one line, short, so the message always fits."""
    return trim(" ".join(text.split()), ECHO)


def trim(text: str, limit: int, marker: str = "…") -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut, so a long value never gets a 400 from Discord."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker
