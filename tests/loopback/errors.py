"""Discord's JSON error bodies, so the bot's error handling meets the shapes and codes it will see.

Codes and messages follow https://discord.com/developers/docs/topics/opcodes-and-status-codes#json.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# A validation problem: where in the body (a path of keys and list indexes), Discord's error code,
# and its human message, e.g. (("embeds", 0, "title"), "BASE_TYPE_MAX_LENGTH", "Must be 256 ...").
Violation = tuple[tuple[str | int, ...], str, str]


@dataclass
class ApiError(Exception):
    """Raised by route handlers; turned into the HTTP response Discord would send."""

    status: int
    code: int
    message: str
    errors: dict[str, Any] | None = field(default=None)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_guild() -> ApiError:
    return ApiError(404, 10004, "Unknown Guild")


def unknown_member() -> ApiError:
    return ApiError(404, 10007, "Unknown Member")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def unknown_user() -> ApiError:
    return ApiError(404, 10013, "Unknown User")


def unknown_webhook() -> ApiError:
    return ApiError(404, 10015, "Unknown Webhook")


def unknown_interaction() -> ApiError:
    return ApiError(404, 10062, "Unknown interaction")


def already_acknowledged() -> ApiError:
    return ApiError(400, 40060, "Interaction has already been acknowledged.")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def cannot_edit_others_message() -> ApiError:
    return ApiError(403, 50005, "Cannot edit a message authored by another user")


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message")


def cannot_dm() -> ApiError:
    return ApiError(403, 50007, "Cannot send messages to this user")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def wrong_channel_type() -> ApiError:
    return ApiError(400, 50024, "Cannot execute action on this channel type")


def invalid_webhook_token() -> ApiError:
    return ApiError(401, 50027, "Invalid Webhook Token")


def thread_already_created() -> ApiError:
    return ApiError(400, 160004, "A thread has already been created for this message")


def invalid_form_body(violations: Iterable[Violation]) -> ApiError:
    """Nest violations the way Discord does: ``{"embeds": {"0": {"title": {"_errors": [...]}}}}``."""
    errors: dict[str, Any] = {}
    for path, code, message in violations:
        node = errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return ApiError(400, 50035, "Invalid Form Body", errors)
