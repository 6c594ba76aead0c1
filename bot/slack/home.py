"""The person's App Home: published on `app_home_opened` and again after changes that affect it.

What it shows is computed from the store (their open actions, drafts waiting for their approval)
and the access rules (the meetings they may read); the Block Kit comes from bot/slack/views.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.approval.service import Approved, pending
from bot.archive.access import Privately
from bot.meeting import followup
from bot.meeting.actions import readable_actions
from bot.slack import views
from bot.slack.context import Deps
from storage.records import Draft, Meeting
from storage.store import Store

log = logging.getLogger(__name__)

# How many of the archive's newest meetings are checked for "Seneste møder".
RECENT_CANDIDATES = 50
RECENT_SHOWN = 10


def reader(deps: Deps, client: WebClient, store: Store, user_id: str) -> Callable[[Meeting], bool]:
    """Whether `user_id` may read a meeting, as the archive's access rules decide (privately)."""
    scope = deps.scope(client, store, Privately(user_id))
    return lambda meeting: scope.covers(meeting.team_id, meeting.channel_id)


def awaiting_approval(store: Store, user_id: str) -> list[tuple[Meeting, Draft]]:
    """Open meetings whose newest draft waits for this person's approval."""
    waiting = []
    for meeting in store.open_meetings():
        draft = store.latest_draft(meeting.id)
        if draft is not None and draft.thread_ts and user_id in pending(store, meeting, draft):
            waiting.append((meeting, draft))
    return waiting


def publish(
    client: WebClient, store: Store, user_id: str, *, now: dt.datetime, may_read: Callable[[Meeting], bool]
) -> None:
    """views.publish of the person's home: their actions, drafts waiting for them, readable meetings."""
    today = followup.local_today(now)
    # Their own actions, wherever logged, but only of meetings they may read (the rule book's "App
    # Home"): an owner who left the channel sees nothing more of it; closed items only to their readers.
    mine = [
        a
        for a in readable_actions(store, store.actions(owner_user_id=user_id), user_id)
        if may_read(a.meeting)
    ]
    awaiting = []
    for meeting, draft in awaiting_approval(store, user_id):
        if not may_read(meeting):
            continue
        link = None
        if draft.channel_id and draft.message_ts:
            try:
                link = client.chat_getPermalink(channel=draft.channel_id, message_ts=draft.message_ts).get(
                    "permalink"
                )
            except SlackApiError:
                link = None
        awaiting.append((meeting, draft, link))
    recent = [m for m in store.recent_meetings(RECENT_CANDIDATES) if may_read(m)][:RECENT_SHOWN]
    client.views_publish(
        user_id=user_id, view=views.home_view(mine=mine, awaiting=awaiting, recent=recent, today=today)
    )


def republish(
    client: WebClient, store: Store, deps: Deps, user_ids: Iterable[str | None], *, now: dt.datetime
) -> None:
    """Publish again for everyone affected by a change; a failure for one is logged, not raised."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        try:
            publish(client, store, user_id, now=now, may_read=reader(deps, client, store, user_id))
        except SlackApiError as error:
            log.warning("could not publish App Home for %s: %s", user_id, error.response.get("error"))


def after_approval(
    client: WebClient, store: Store, deps: Deps, outcome: object, user_id: str, *, now: dt.datetime
) -> None:
    """A newly recorded approval takes the draft off the approver's "Venter på din godkendelse",
    and the meeting's live canvas shows the approval."""
    if isinstance(outcome, Approved) and outcome.new:
        republish(client, store, deps, [user_id], now=now)
        if deps.canvas is not None:
            deps.canvas.touch(client, outcome.draft.meeting_id)
