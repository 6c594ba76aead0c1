"""Keep the reminders scheduled in Slack equal to what the actions in the store call for.

Slack holds the scheduled direct messages (chat.scheduleMessage); the store keeps their ids. After
every change to an action, `sync` compares what is wanted (bot/meeting/reminders.py) with what is
scheduled, withdraws what no longer fits (done, deleted, edited, another deadline or owner) and
schedules what is missing. `reconcile` at start-up also compares the store with Slack's own list,
so a crash between scheduling and storing leaves neither a stray message nor a missing reminder.
`Sweeper` runs `sweep` daily, which schedules deadlines that have come within Slack's horizon.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive.access import Directory
from bot.meeting import reminders as rules
from bot.meeting.outcomes import Refusal, Sender
from bot.rulebook import gate
from bot.rulebook.book import REMINDER, rule_named
from bot.slack.blocks import slack_safe
from bot.slack.membership import MembershipCache, SlackDirectory
from storage.records import Action, Reminder, utc_clock
from storage.store import Store

log = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)
# Slack's answers when a scheduled message is already posted or was withdrawn elsewhere.
_GONE = ("invalid_scheduled_message_id", "channel_not_found")
_SYNC_LOCK = threading.Lock()


def sync(
    client: WebClient,
    store: Store,
    numbers: Iterable[int],
    *,
    now: dt.datetime,
    days_before: int,
    directory: Directory | None = None,
) -> set[str]:
    """Withdraw and schedule so that the actions `numbers` have exactly the reminders they want.

    Returns the owners concerned (now or before), whose App Home may need publishing again. One
    sync at a time in this process: two commands on one action in quick succession must not both
    compare against the same rows and leave a reminder behind.
    """
    owners: set[str] = set()
    directory = directory or SlackDirectory(client, MembershipCache())
    with _SYNC_LOCK:
        for number in numbers:
            owners |= {r.user_id for r in store.reminders(action_number=number)}
            action = store.action(number)
            if action is not None and action.entry.owner_user_id:
                owners.add(action.entry.owner_user_id)
            _sync_one(client, store, number, now=now, days_before=days_before, directory=directory)
    return owners


def _sync_one(
    client: WebClient, store: Store, number: int, *, now: dt.datetime, days_before: int, directory: Directory
) -> None:
    action = store.action(number)
    wanted = {w.kind: w for w in rules.wanted(action, now, days_before)}
    if wanted and action is not None and not _may_remind(store, action, directory):
        # The rule book's "Påmindelse": nothing of a meeting to someone who may not read it (and
        # nothing of a closed item to someone who may not read that); what was scheduled is withdrawn.
        wanted = {}
    for reminder in store.reminders(action_number=number):
        want = wanted.get(reminder.kind)
        if (
            want is not None
            and action is not None
            and want.post_at == reminder.post_at
            and reminder.user_id == action.entry.owner_user_id
            and reminder.text == rules.reminder_text(action, want.kind)
        ):
            del wanted[reminder.kind]
            continue
        withdraw(client, store, reminder)
    if action is None or not wanted:
        return
    owner = action.entry.owner_user_id
    assert owner is not None
    channel = client.conversations_open(users=owner)["channel"]["id"]
    for want in wanted.values():
        text = rules.reminder_text(action, want.kind)
        try:
            response = client.chat_scheduleMessage(
                # Stored as worded (compared with the wording later), sent escaped.
                channel=channel,
                post_at=int(want.post_at.timestamp()),
                text=slack_safe(text),
            )
        except SlackApiError as error:
            log.warning("could not schedule reminder %s of action %s: %s", want.kind, number, error)
            continue
        store.add_reminder(
            number,
            kind=want.kind,
            post_at=want.post_at,
            user_id=owner,
            channel_id=str(response["channel"]),
            text=text,
            scheduled_message_id=str(response["scheduled_message_id"]),
            now=now,
        )


def _may_remind(store: Store, action: Action, directory: Directory) -> bool:
    owner = action.entry.owner_user_id
    if owner is None:
        return False
    sender = Sender(owner, "", utc_clock(), lambda _: None, directory=directory)
    try:
        gate.admit(store, rule_named(REMINDER), sender, meeting=action.meeting)
    except Refusal:
        return False
    return gate.may_receive(store, action.meeting, action.entry.item_number, owner, directory)


def withdraw(client: WebClient, store: Store, reminder: Reminder) -> None:
    """Delete the scheduled message in Slack, then forget it; kept for the next sweep if Slack fails."""
    try:
        client.chat_deleteScheduledMessage(
            channel=reminder.channel_id, scheduled_message_id=reminder.scheduled_message_id
        )
    except SlackApiError as error:
        if error.response.get("error") not in _GONE:
            log.warning("could not withdraw reminder %s: %s", reminder.scheduled_message_id, error)
            return
    store.remove_reminder(reminder.id)


def sweep(
    client: WebClient, store: Store, *, now: dt.datetime, days_before: int, team_id: str | None = None
) -> None:
    """Every action that has or may need reminders; schedules deadlines that came within range.

    `team_id`: serving many workspaces, `client` holds that workspace's token, and only its
    meetings' actions are swept with it.
    """
    sync(client, store, store.reminded_actions(team_id), now=now, days_before=days_before)


def reconcile(
    client: WebClient, store: Store, *, now: dt.datetime, days_before: int, team_id: str | None = None
) -> None:
    """At start-up: make the store and Slack's list of scheduled messages agree, then sweep.

    `team_id`: as for `sweep`; Slack lists the scheduled messages of the token's workspace only.
    """
    listed: dict[str, str] = {}
    cursor: str | None = None
    while True:
        page = client.chat_scheduledMessages_list(cursor=cursor, limit=100)
        for message in page.get("scheduled_messages") or []:
            listed[str(message["id"])] = str(message["channel_id"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    known = store.reminders(team_id=team_id)
    ids = {r.scheduled_message_id for r in known}
    for message_id, channel in listed.items():
        if message_id not in ids:
            # Scheduled just before a crash, never stored: nothing would ever withdraw it.
            try:
                client.chat_deleteScheduledMessage(channel=channel, scheduled_message_id=message_id)
            except SlackApiError as error:
                log.warning("could not delete stray scheduled message %s: %s", message_id, error)
    for reminder in known:
        if reminder.scheduled_message_id not in listed:
            # Posted already, or withdrawn outside the bot: the sweep schedules it again if still due.
            store.remove_reminder(reminder.id)
    sweep(client, store, now=now, days_before=days_before, team_id=team_id)


# Each workspace's client with its team id (None: the one workspace of SLACK_BOT_TOKEN).
Workspaces = Callable[[], Iterable[tuple[WebClient, str | None]]]


class Sweeper:
    """Runs `sweep` once a day on a background thread until stopped."""

    def __init__(
        self,
        workspaces: Workspaces,
        open_store: Callable[[], Store],
        clock: Callable[[], dt.datetime],
        days_before: int,
        *,
        interval: dt.timedelta = DAY,
    ) -> None:
        self._workspaces, self._open_store, self._clock = workspaces, open_store, clock
        self._days, self._interval = days_before, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="referat-reminders", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self._interval.total_seconds()):
            for client, team in self._workspaces():
                try:
                    sweep(client, self._open_store(), now=self._clock(), days_before=self._days, team_id=team)
                except Exception:
                    log.exception("the daily reminder sweep of %s failed; trying again tomorrow", team or "")


def start(
    workspaces: Workspaces,
    open_store: Callable[[], Store],
    clock: Callable[[], dt.datetime],
    days_before: int,
) -> Sweeper:
    """At start-up: reconcile each workspace with Slack (a failure is logged, not fatal), then sweep daily."""
    for client, team in workspaces():
        try:
            reconcile(client, open_store(), now=clock(), days_before=days_before, team_id=team)
        except Exception:
            log.exception(
                "could not reconcile reminders of %s at start-up; the daily sweep will retry", team or ""
            )
    return Sweeper(workspaces, open_store, clock, days_before).start()
