"""Pure rules for reminding an action's owner: when, and in what words.

An open action with a linked owner and a deadline is reminded twice, by a direct message at 09.00
Danish time: `days_before` days before the deadline and on its morning. Slack schedules a message
at most 120 days ahead and never in the past, so only times inside that window are wanted now;
later ones are scheduled by the daily sweep once they come within range. No Slack, no store: the
Slack side (bot/slack/reminders.py) compares what is wanted with what is scheduled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.meeting.followup import meeting_label
from bot.text.dates import TZ, format_long_da
from storage.records import Action

REMIND_AT = dt.time(9, 0)
# Slack refuses post_at beyond 120 days; a margin keeps a sweep's request inside it.
HORIZON = dt.timedelta(days=120) - dt.timedelta(hours=1)
# Slack refuses post_at in the past; a reminder due within this margin is not worth scheduling.
LEAD = dt.timedelta(minutes=1)

BEFORE = "before"
MORNING = "morning"


@dataclass(frozen=True)
class Wanted:
    kind: str  # BEFORE or MORNING
    post_at: dt.datetime  # aware, UTC


def remind_at(day: dt.date) -> dt.datetime:
    """09.00 in Copenhagen on `day`, in UTC (summer and winter time alike)."""
    return dt.datetime.combine(day, REMIND_AT, tzinfo=TZ).astimezone(dt.UTC)


def wanted(action: Action | None, now: dt.datetime, days_before: int) -> list[Wanted]:
    """The reminders that should be scheduled in Slack for the action right now."""
    if action is None or action.done or action.entry.deleted_utc is not None:
        return []
    due, owner = action.entry.due, action.entry.owner_user_id
    if due is None or owner is None:
        return []
    times = [Wanted(MORNING, remind_at(due))]
    if days_before > 0:
        times.insert(0, Wanted(BEFORE, remind_at(due - dt.timedelta(days=days_before))))
    return [w for w in times if now + LEAD <= w.post_at <= now + HORIZON]


def reminder_text(action: Action, kind: str) -> str:
    """The direct message: the action, its meeting, the deadline, and how to mark it done."""
    assert action.entry.due is not None
    due = format_long_da(action.entry.due)
    when = f"har frist i dag ({due})" if kind == MORNING else f"har frist {due}"
    return (
        f"Påmindelse: opgave nr. {action.number} «{action.entry.text}» fra "
        f"{meeting_label(action.meeting)} {when}.\n"
        f"Når den er klaret: `/referat udført {action.number}` (eller knappen *Udført* under "
        "Hjem hos referat)."
    )
