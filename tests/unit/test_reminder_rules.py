"""When reminders are wanted, and the stand-in refusing what Slack refuses for scheduled messages."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.console.scheduled import ScheduledMessages
from bot.meeting import reminders
from storage.records import Action, Entry, EntryKind, Meeting, MeetingStatus

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
MEETING = Meeting(
    id=1, title="Kredsrådsmøde", date=dt.date(2026, 11, 20), place=None, status=MeetingStatus.OPEN,
    channel_id="C1", starter_user_id="UMIN", created_utc=NOW,
)  # fmt: skip


def action(due: dt.date | None, owner: str | None = "ULARS", *, done: bool = False) -> Action:
    entry = Entry(
        id=1, meeting_id=1, seq=1, item_number=1, kind=EntryKind.ACTION, text="Indkald", author_user_id="UMIN",
        owner="Lars", owner_user_id=owner, due=due,
    )  # fmt: skip
    return Action(1, entry, MEETING, done_utc=NOW if done else None)


def test_nine_in_the_morning_in_copenhagen_winter_and_summer() -> None:
    assert reminders.remind_at(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    assert reminders.remind_at(dt.date(2027, 6, 1)) == dt.datetime(2027, 6, 1, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("subject", "days", "expected"),
    [
        (
            action(dt.date(2026, 12, 1)),
            2,
            [("before", dt.date(2026, 11, 29)), ("morning", dt.date(2026, 12, 1))],
        ),
        (action(dt.date(2026, 12, 1)), 0, [("morning", dt.date(2026, 12, 1))]),
        (action(dt.date(2026, 11, 28)), 2, [("morning", dt.date(2026, 11, 28))]),  # the day before is past
        (action(dt.date(2026, 11, 27)), 2, []),  # 09.00 today has passed (it is 14.00)
        (action(dt.date(2027, 3, 28)), 2, [("before", dt.date(2027, 3, 26))]),  # the deadline is 120 days out
        (action(dt.date(2027, 6, 1)), 2, []),  # beyond the horizon: the sweep schedules it later
        (action(dt.date(2026, 12, 1), owner=None), 2, []),
        (action(None), 2, []),
        (action(dt.date(2026, 12, 1), done=True), 2, []),
        (None, 2, []),
    ],
)
def test_wanted(subject: Action | None, days: int, expected: list[tuple[str, dt.date]]) -> None:
    got = [(w.kind, w.post_at.date()) for w in reminders.wanted(subject, NOW, days)]
    assert got == expected


def test_the_stand_in_refuses_past_and_far_times_and_foreign_deletes() -> None:
    now = [NOW]
    slack = ScheduledMessages(lambda: now[0])
    at = int(NOW.timestamp())
    assert slack.schedule({"channel": "D1", "text": "x", "post_at": at})["error"] == "time_in_past"
    assert (
        slack.schedule({"channel": "D1", "text": "x", "post_at": at + 120 * 86400 + 1})["error"]
        == "time_too_far"
    )
    assert slack.schedule({"channel": "D1", "text": "", "post_at": at + 60})["error"] == "no_text"
    ok = slack.schedule({"channel": "D1", "text": "x", "post_at": at + 120 * 86400})
    assert ok["ok"]
    message_id = ok["scheduled_message_id"]
    assert (
        slack.delete({"channel": "D2", "scheduled_message_id": message_id})["error"]
        == "invalid_scheduled_message_id"
    )
    assert [m["id"] for m in slack.list({})["scheduled_messages"]] == [message_id]
    now[0] += dt.timedelta(days=121)  # posted: no longer listed, no longer deletable
    assert slack.list({})["scheduled_messages"] == []
    assert (
        slack.delete({"channel": "D1", "scheduled_message_id": message_id})["error"]
        == "invalid_scheduled_message_id"
    )
