"""The message shortcut "Tilføj til referat" and its modal.

The shortcut opens a form prefilled from the message (bot/slack/views.py); the submission is
checked and stored by bot/meeting/from_message.py, whose refusals are shown beside their fields
(`response_action: errors`). Where the channel has no open meeting, the shortcut says so privately.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.meeting import from_message
from bot.meeting.outcomes import Refusal, Sender
from bot.slack import ids, views
from bot.slack.blocks import unescape_slack_input
from bot.slack.context import deps_of
from bot.slack.effects import perform


def register(app: App) -> None:
    app.shortcut(ids.ADD_SHORTCUT)(on_shortcut)
    app.view(ids.ADD_MODAL)(on_submitted)


def on_shortcut(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    deps = deps_of(context)
    store = deps.open_store()
    channel = str((body.get("channel") or {}).get("id") or "")
    message: dict[str, Any] = body.get("message") or {}
    user = str((body.get("user") or {}).get("id") or "")
    # Not vouched: a public channel can be read, and its messages' menu used, without joining it.
    sender = Sender(
        user,
        channel,
        deps.clock(),
        deps.user_name(client),
        team_id=deps.workspace(context),
        directory=deps.directory(client),
    )
    try:
        form = from_message.admitted(store, channel, message.get("user"), sender)
    except Refusal as refusal:
        respond(response_type="ephemeral", text=str(refusal))
        return
    if form is None:
        respond(response_type="ephemeral", text=from_message.NO_OPEN_MEETING)
        return
    ts = str(message.get("ts") or "")
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError:
        permalink = None
    view = views.add_entry_modal(
        form,
        store.agenda(form.meeting.id),
        store.participants(form.meeting.id),
        text=unescape_slack_input(str(message.get("text") or "")),
        channel_id=channel,
        message_ts=ts,
        permalink=permalink,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_submitted(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    store = deps.open_store()
    user = str(body["user"]["id"])
    now = deps.clock()
    read = views.read_add_entry(body["view"])
    form = from_message.MessageEntry(
        meeting_id=int(read["meeting_id"]),
        item_number=read["item_number"],
        kind=read["kind"],
        speaker_id=read["speaker_id"],
        text=read["text"],
        owner_user_id=read["owner_user_id"],
        due=read["due"],
        channel_id=str(read["channel_id"]),
        message_ts=str(read["message_ts"]),
        permalink=read.get("permalink"),
    )
    sender = Sender(
        user_id=user,
        channel_id=form.channel_id,
        now=now,
        user_name=deps.user_name(client),
        team_id=deps.workspace(context),
        directory=deps.directory(client),
    )
    try:
        confirmation = from_message.add(store, form, sender)
    except from_message.FormInvalid as invalid:
        ack(response_action="errors", errors={ids.add_field(k): v for k, v in invalid.errors.items()})
        return
    ack()
    client.chat_postEphemeral(channel=form.channel_id, user=user, text=confirmation.text)
    perform(client, store, deps, confirmation.effects, now=now)
