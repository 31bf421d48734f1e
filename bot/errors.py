"""Errors the core raises when a member or moderator asked for something that cannot be done."""


class UserFacingError(Exception):
    """The message is written for the member and shown as-is (privately); no traceback is logged."""
