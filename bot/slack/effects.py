"""The Slack side of a handler's effects: what an action touched, followed up after the ack.

Handlers return `Effects` (bot/meeting/outcomes.py); `perform` re-syncs the reminders of the
actions touched, publishes App Home again for their owners and everyone else named, and shows
on the meeting's posted version whether it is still what is recorded. Nothing
here reads the command: what was touched is what the handler said it touched.
"""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bot.approval import service as approval
from bot.meeting.outcomes import Effects
from bot.slack import drafts, home, reminders
from bot.slack.context import Deps
from storage.records import MeetingStatus
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
    if effects.meeting is not None:
        _refresh_draft(client, store, deps, effects.meeting)
    touch_canvas(client, deps, effects.meeting)


def touch_canvas(client: WebClient, deps: Deps, meeting_id: int | None) -> None:
    """The meeting's live canvas follows the change (coalesced, after the acknowledgement)."""
    if deps.canvas is not None:
        deps.canvas.touch(client, meeting_id)


def _refresh_draft(client: WebClient, store: Store, deps: Deps, meeting_id: int) -> None:
    """A posted version of an open meeting shows whether it is still what is recorded (stale, or not)."""
    # The draft first: while a meeting runs there is seldom one posted, and then one read suffices.
    draft = store.latest_draft(meeting_id)
    if draft is None or not draft.message_ts:
        return
    meeting = store.meeting(meeting_id)
    if meeting is None or meeting.status is not MeetingStatus.OPEN:
        return
    names = approval.names_for(store, meeting, drafts.safe_user_name(deps.user_name(client)))
    drafts.refresh_top(client, store, meeting_id, names)
