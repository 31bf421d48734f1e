"""Interaction callbacks and the interaction webhook (followups, @original), with Discord's rules.

The rules bots trip over in production are enforced here: the callback deadline (10062), one
response per interaction (40060), followups only after a response, tokens that expire, and the
message/modal/autocomplete limits. A deferred response's first followup replaces the "thinking"
message, as on Discord.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass

from tests.loopback import errors, limits
from tests.loopback.messages import Messages
from tests.loopback.rest import Call, Reply, RestApi
from tests.loopback.state import EPHEMERAL, LOADING, Interaction, Json, Message, World

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


class CallbackType(enum.IntEnum):
    """How the bot answered an interaction (Discord's interaction callback types); tests assert on these."""

    CHANNEL_MESSAGE = 4
    DEFERRED_MESSAGE = 5
    DEFERRED_UPDATE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


MESSAGE_CALLBACKS = frozenset(
    {
        CallbackType.CHANNEL_MESSAGE,
        CallbackType.DEFERRED_MESSAGE,
        CallbackType.DEFERRED_UPDATE,
        CallbackType.UPDATE_MESSAGE,
    }
)
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({CallbackType.CHANNEL_MESSAGE, CallbackType.DEFERRED_MESSAGE, CallbackType.MODAL}),
    MESSAGE_COMPONENT: MESSAGE_CALLBACKS | {CallbackType.MODAL},
    AUTOCOMPLETE: frozenset({CallbackType.AUTOCOMPLETE_RESULT}),
    MODAL_SUBMIT: MESSAGE_CALLBACKS,
}


@dataclass
class Deadlines:
    """Discord's timings; tests shrink ``callback`` to exercise the late-response path quickly."""

    callback: float = 3.0
    token: float = 15 * 60.0


class InteractionWebhooks:
    def __init__(self, world: World, messages: Messages, deadlines: Deadlines) -> None:
        self._world = world
        self._messages = messages
        self._deadlines = deadlines

    def register(self, api: RestApi) -> None:
        api.add("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback, needs_auth=False)
        api.add("POST", "/webhooks/{webhook_id}/{webhook_token}", self.followup, needs_auth=False)
        for message_id in ("@original", "{message_id}"):
            template = "/webhooks/{webhook_id}/{webhook_token}/messages/" + message_id
            api.add("GET", template, self.get_message, needs_auth=False)
            api.add("PATCH", template, self.edit_message, needs_auth=False)
            api.add("DELETE", template, self.delete_message, needs_auth=False)

    # -- callback ------------------------------------------------------------------------------

    def callback(self, call: Call) -> Reply:
        interaction = self._world.interactions.get(call.snowflake("interaction_id"))
        if interaction is None or interaction.token != call.params["interaction_token"]:
            raise errors.unknown_interaction()
        if self._age(interaction) > self._deadlines.callback:
            raise errors.unknown_interaction()
        if interaction.response_type is not None:
            raise errors.already_acknowledged()
        body = call.json
        kind = body.get("type")
        data = body.get("data") or {}
        if kind not in ALLOWED_CALLBACKS.get(interaction.type, frozenset()) or (
            kind in (CallbackType.DEFERRED_UPDATE, CallbackType.UPDATE_MESSAGE)
            and interaction.source_message_id is None
        ):
            raise errors.invalid_form_body(
                [(("type",), "INTERACTION_CALLBACK_TYPE_INVALID", f"Callback type {kind} is not valid here")]
            )
        interaction.responded_at = call.received_at
        message = self._respond(interaction, kind, data, call.filenames)
        interaction.response_type = kind
        interaction.response_data = data
        self._world.notify()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return None
        return self._callback_response(interaction, kind, message)

    def _respond(self, interaction: Interaction, kind: int, data: Json, filenames: list[str]) -> Message | None:
        if kind == CallbackType.CHANNEL_MESSAGE:
            if limits.is_empty_message(data) and not filenames:
                raise errors.empty_message()
            limits.check(limits.message_violations(data), prefix=("data",))
            message = self._create(interaction, data, filenames)
            interaction.original_message_id = message.id
            return message
        if kind == CallbackType.DEFERRED_MESSAGE:
            message = self._create(interaction, {"flags": data.get("flags", 0) & EPHEMERAL}, [], loading=True)
            interaction.original_message_id = message.id
            return message
        if kind == CallbackType.UPDATE_MESSAGE:
            limits.check(limits.message_violations(data), prefix=("data",))
            return self._messages.edit(self._source(interaction), data, filenames=filenames)
        if kind == CallbackType.AUTOCOMPLETE_RESULT:
            limits.check(limits.autocomplete_violations(data), prefix=("data",))
        elif kind == CallbackType.MODAL:
            limits.check(limits.modal_violations(data), prefix=("data",))
        return None

    def _callback_response(self, interaction: Interaction, kind: int, message: Message | None) -> Json:
        summary: Json = {"id": str(interaction.id), "type": interaction.type}
        resource: Json = {"type": kind}
        if message is not None:
            summary.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = self._messages.payload(message)
        return {"interaction": summary, "resource": resource}

    def _create(self, interaction: Interaction, body: Json, filenames: list[str], *, loading: bool = False) -> Message:
        data = interaction.payload.get("data") or {}
        command_type = data.get("type") if interaction.type == APPLICATION_COMMAND else None
        metadata: Json = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": interaction.user.payload(),
            "authorizing_integration_owners": interaction.payload["authorizing_integration_owners"],
        }
        if command_type is not None:
            metadata.update(name=data.get("name"), command_type=command_type)
        if interaction.source_message_id is not None:
            metadata["interacted_message_id"] = str(interaction.source_message_id)
        if interaction.original_message_id is not None:
            metadata["original_response_message_id"] = str(interaction.original_message_id)
        channel = self._world.channels[interaction.channel_id]
        return self._messages.create(
            channel,
            self._world.bot_user,
            body,
            filenames=filenames,
            message_type={1: 20, 2: 23, 3: 23}.get(command_type or 0, 0),
            extra_flags=LOADING if loading else 0,
            webhook_id=self._world.application_id,
            interaction_metadata=metadata,
            interaction_id=interaction.id,
        )

    # -- webhook: followups and @original ------------------------------------------------------

    def _interaction(self, call: Call) -> Interaction:
        """The interaction behind a webhook token, if the token is still valid and was answered."""
        if call.snowflake("webhook_id") != self._world.application_id:
            raise errors.unknown_webhook()
        token = call.params["webhook_token"]
        interaction = next((i for i in self._world.interactions.values() if i.token == token), None)
        if interaction is None:
            raise errors.unknown_webhook()
        if self._age(interaction) > self._deadlines.token:
            raise errors.invalid_webhook_token()
        if interaction.response_type not in MESSAGE_CALLBACKS:
            raise errors.unknown_webhook()
        return interaction

    def followup(self, call: Call) -> Reply:
        interaction = self._interaction(call)
        limits.check_new_message(call.json, call.filenames)
        original = self._original(interaction)
        if interaction.response_type == CallbackType.DEFERRED_MESSAGE and original is not None and original.loading:
            message = self._messages.edit(original, call.json, filenames=call.filenames)
        else:
            message = self._create(interaction, call.json, call.filenames)
            interaction.followup_ids.append(message.id)
        self._world.notify()
        if call.query.get("wait") not in ("1", "true", "True"):
            return None
        return self._messages.payload(message)

    def _original(self, interaction: Interaction) -> Message | None:
        message_id = interaction.original_message_id or interaction.source_message_id
        return None if message_id is None else self._world.messages.get(message_id)

    def _source(self, interaction: Interaction) -> Message:
        assert interaction.source_message_id is not None
        return self._world.messages[interaction.source_message_id]

    def _addressed(self, call: Call) -> Message:
        interaction = self._interaction(call)
        if call.params.get("message_id", "@original") == "@original":
            message = self._original(interaction)
        else:
            message_id = call.snowflake("message_id")
            owned = message_id in interaction.followup_ids or message_id == interaction.original_message_id
            message = self._world.messages.get(message_id) if owned else None
        if message is None or message.deleted:
            raise errors.unknown_message()
        return message

    def get_message(self, call: Call) -> Reply:
        return self._messages.payload(self._addressed(call))

    def edit_message(self, call: Call) -> Reply:
        message = self._addressed(call)
        limits.check(limits.message_violations(call.json))
        return self._messages.payload(self._messages.edit(message, call.json, filenames=call.filenames))

    def delete_message(self, call: Call) -> Reply:
        self._messages.delete(self._addressed(call))
        return None

    @staticmethod
    def _age(interaction: Interaction) -> float:
        assert interaction.dispatched_at is not None
        return asyncio.get_running_loop().time() - interaction.dispatched_at
