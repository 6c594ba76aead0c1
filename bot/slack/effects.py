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
        owners = reminders.sync(
            client,
            store,
            effects.actions,
            now=now,
            days_before=deps.reminder_days,
            directory=deps.directory(client),
        )
    home.republish(client, store, deps, [*sorted(owners), *effects.homes], now=now)
