"""The Slack side of a handler's effects: what an action touched, followed up after the ack.

Handlers return `Effects` (bot/meeting/outcomes.py); `perform` re-syncs the reminders of the
actions touched and publishes App Home again for their owners and everyone else named. Nothing
here reads the command: what was touched is what the handler said it touched.
"""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bot.meeting.outcomes import Effects
from bot.slack import home, reminders
from bot.slack.context import Deps
from storage.store import Store


def perform(client: WebClient, store: Store, deps: Deps, effects: Effects, *, now: dt.datetime) -> None:
    """Reminders for the actions touched, then the App Homes of everyone concerned."""
    owners: set[str] = set()
    if effects.actions:
        owners = reminders.sync(client, store, effects.actions, now=now, days_before=deps.reminder_days)
    home.republish(client, store, deps, [*sorted(owners), *effects.homes], now=now)
    touch_canvas(client, deps, effects.meeting)


def touch_canvas(client: WebClient, deps: Deps, meeting_id: int | None) -> None:
    """The meeting's live canvas follows the change (coalesced, after the acknowledgement)."""
    if deps.canvas is not None:
        deps.canvas.touch(client, meeting_id)
