"""Creating, editing and deleting messages, and telling the gateway about it.

Channel posts, interaction responses, followups and DMs from members all go through here, so each
kind of message is stored, rendered and dispatched (MESSAGE_CREATE/UPDATE/DELETE) the same way.
"""

from __future__ import annotations

from tests.loopback.gateway import DIRECT_MESSAGES, GUILD_MESSAGES, MESSAGE_CONTENT, Gateway
from tests.loopback.state import EPHEMERAL, LOADING, Channel, Json, Message, User, World, now

SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
# Flags a sender may set on a new message; Discord ignores or rejects the rest.
SENDABLE_FLAGS = SUPPRESS_EMBEDS | EPHEMERAL | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
EDITABLE_FLAGS = SUPPRESS_EMBEDS | IS_COMPONENTS_V2


class Messages:
    def __init__(self, world: World, gateway: Gateway) -> None:
        self._world = world
        self._gateway = gateway

    def create(
        self,
        channel: Channel,
        author: User,
        body: Json,
        *,
        filenames: list[str] | None = None,
        message_type: int = 0,
        extra_flags: int = 0,
        webhook_id: int | None = None,
        interaction_metadata: Json | None = None,
        interaction_id: int | None = None,
    ) -> Message:
        world = self._world
        message = Message(
            id=world.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            attachments=_attachments(world, body, filenames or []),
            flags=((body.get("flags") or 0) & SENDABLE_FLAGS) | extra_flags,
            allowed_mentions=body.get("allowed_mentions"),
            type=message_type,
            tts=bool(body.get("tts")),
            message_reference=self._reference(body.get("message_reference")),
            webhook_id=webhook_id,
            interaction_metadata=interaction_metadata,
            interaction_id=interaction_id,
        )
        if message.message_reference is not None and message_type == 0:
            message.type = 19  # REPLY
        world.messages[message.id] = message
        if not message.ephemeral:
            channel.last_message_id = message.id
            channel.message_count += 1
            self._dispatch("MESSAGE_CREATE", message)
        world.notify()
        return message

    def edit(self, message: Message, body: Json, *, filenames: list[str] | None = None) -> Message:
        was_loading = message.loading
        message.edits.append(message.snapshot())
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = list(body["components"] or [])
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body or filenames:
            message.attachments = _attachments(self._world, body, filenames or [], keep=message.attachments)
        if body.get("flags") is not None:
            message.flags = (message.flags & ~EDITABLE_FLAGS) | (body["flags"] & EDITABLE_FLAGS)
        message.flags &= ~LOADING
        if not was_loading:
            message.edited_at = now()
        if not message.ephemeral:
            self._dispatch("MESSAGE_UPDATE", message)
        self._world.notify()
        return message

    def delete(self, message: Message) -> None:
        message.deleted = True
        if not message.ephemeral and self._world.bot_present(self._world.channels[message.channel_id]):
            data: Json = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self._gateway.dispatch("MESSAGE_DELETE", data, guild_id=message.guild_id, intent=self._intent(message))
        self._world.notify()

    def payload(self, message: Message, *, content_intent: bool = True) -> Json:
        """The message as Discord renders it, hiding content without the MESSAGE_CONTENT intent.

        Discord still shows content of DMs, the bot's own messages and messages mentioning the bot.
        """
        world = self._world
        member = world.member(message.guild_id, message.author.id) if message.guild_id is not None else None
        if message.webhook_id is not None:
            member = None
        exempt = (
            message.guild_id is None
            or message.author.id == world.bot_user.id
            or f"<@{world.bot_user.id}>" in message.content
            or f"<@!{world.bot_user.id}>" in message.content
        )
        return message.payload(member=member, hide_content=not (content_intent or exempt))

    def _dispatch(self, event: str, message: Message) -> None:
        if not self._world.bot_present(self._world.channels[message.channel_id]):
            return  # a group DM or a guild without the bot: it never hears of messages there
        self._gateway.dispatch(
            event,
            lambda intents: self.payload(message, content_intent=bool(intents & MESSAGE_CONTENT)),
            guild_id=message.guild_id,
            intent=self._intent(message),
        )

    @staticmethod
    def _intent(message: Message) -> int:
        return DIRECT_MESSAGES if message.guild_id is None else GUILD_MESSAGES

    def _reference(self, reference: Json | None) -> Json | None:
        if not reference or reference.get("message_id") is None:
            return None
        target = self._world.messages.get(int(reference["message_id"]))
        resolved = {k: str(v) if k.endswith("_id") else v for k, v in reference.items()}
        if target is not None:
            resolved.setdefault("channel_id", str(target.channel_id))
            resolved["author_id"] = str(target.author.id)
        return resolved


def _attachments(world: World, body: Json, filenames: list[str], *, keep: list[Json] | None = None) -> list[Json]:
    """Attachments as Discord returns them: kept ones by id, uploads in ``files[n]`` order."""
    kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
    attachments = [a for a in keep or [] if a["id"] in kept_ids]
    for filename in filenames:
        attachment_id = world.snowflakes.next()
        url = f"https://cdn.discordapp.com/attachments/loopback/{attachment_id}/{filename}"
        attachments.append({"id": str(attachment_id), "filename": filename, "size": 0, "url": url, "proxy_url": url})
    return attachments
