"""Moderation: who may run the moderator commands in a server (``/moderators``, and the check every
moderator command group makes)."""
