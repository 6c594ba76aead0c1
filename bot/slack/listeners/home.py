"""App Home: publish the person's home when they open it, and the Udført button on it.

The button's value is the action's number; marking it done is `/referat udført <nr>` by the same
person, so the same rule applies (the owner or the minute-taker) and the audit trail says who.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.meeting import parse as c
from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Refusal, Sender
from bot.slack import home, ids
from bot.slack.context import deps_of
from bot.slack.effects import perform
from storage.errors import StoreError


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.action(ids.HOME_DONE)(on_done)


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    deps = deps_of(context)
    user = str(event["user"])
    store = deps.open_store()
    home.publish(client, store, user, now=deps.clock(), may_read=home.reader(deps, client, store, user))


def on_done(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = deps_of(context)
    user = str(body["user"]["id"])
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    store = deps.open_store()
    now = deps.clock()
    if value.isdigit():
        command = c.MarkDone(int(value))
        sender = Sender(
            user_id=user,
            channel_id="",
            now=now,
            user_name=deps.user_name(client),
            team_id=deps.workspace(context),
            directory=deps.directory(client),
        )
        try:
            outcome = handle_command(store, command, sender)
        except (Refusal, StoreError):
            pass  # done already (a second click), or no longer theirs: the new home shows how it stands
        else:
            perform(client, store, deps, outcome.effects, now=now)
            return
    home.republish(client, store, deps, [user], now=now)
