"""Pure follow-up of action items between meetings: order, overdue, how an action reads.

`/referat opgaver`, App Home and `/referat næste` all show actions the same way, so the order
(overdue first) and the wording (`udført <dato>`) are decided once, here, without Slack or the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from bot.meeting.parse import AgendaItemSpec
from bot.text.danish import counted
from bot.text.dates import TZ, format_long_da
from storage.records import Action, Meeting, MeetingAccess


def local_today(now: dt.datetime) -> dt.date:
    """Deadlines are calendar days in Denmark: an action is overdue from the day after its deadline."""
    return now.astimezone(TZ).date()


def is_overdue(action: Action, today: dt.date) -> bool:
    return not action.done and action.entry.due is not None and action.entry.due < today


def in_follow_up_order(actions: Iterable[Action], today: dt.date) -> list[Action]:
    """Open before done; overdue first; then by deadline (none last); then by number."""

    def key(a: Action) -> tuple[bool, bool, dt.date, int]:
        due = a.entry.due or dt.date.max
        return (a.done, not is_overdue(a, today), due, a.number)

    return sorted(actions, key=key)


def without_closed(
    actions: Iterable[Action], facts: Mapping[int, MeetingAccess], reader: str | None
) -> list[Action]:
    """Leave out actions on closed agenda items unless `reader` may read closed items there.

    As for the archive (bot/archive/access.py): a closed item is for the meeting's minute-taker and
    its linked participants, and only privately; `reader` None is a listing others read too (the
    next meeting's agenda), which holds no closed item's action.
    """
    kept = []
    for action in actions:
        meeting = facts.get(action.meeting.id)
        closed = meeting is not None and action.entry.item_number in meeting.closed_items
        if closed and (
            reader is None
            or meeting is None
            or not (reader == meeting.minute_taker or reader in meeting.participants)
        ):
            continue
        kept.append(action)
    return kept


def owner_label(action: Action) -> str | None:
    """The owner as a Slack mention when linked (Slack shows the name), else as logged."""
    if action.entry.owner_user_id:
        return f"<@{action.entry.owner_user_id}>"
    return action.entry.owner


def meeting_label(meeting: Meeting) -> str:
    return f"{meeting.title}, {format_long_da(meeting.date)}"


def done_label(action: Action) -> str:
    assert action.done_utc is not None
    return f"udført {format_long_da(local_today(action.done_utc))}"


def action_line(action: Action, today: dt.date, *, with_meeting: bool = True) -> str:
    """`#7 Udarbejde handleplan – <@U1> – frist 1. december 2026 – Kredsrådsmøde …, 19. marts 2024`."""
    parts = [action.entry.text]
    owner = owner_label(action)
    if owner:
        parts.append(owner)
    if action.entry.due is not None:
        parts.append(f"frist {format_long_da(action.entry.due)}")
    if action.done:
        parts.append(done_label(action) + (f" ({action.done_note})" if action.done_note else ""))
    if with_meeting:
        parts.append(meeting_label(action.meeting))
    marker = "⚠️ *forfalden* " if is_overdue(action, today) else ""
    return f"#{action.number} {marker}" + " – ".join(parts)


def actions_text(actions: Sequence[Action], today: dt.date, *, heading: str, empty: str) -> str:
    """The answer to `/referat opgaver`: a heading and one line per action, or `empty`."""
    if not actions:
        return empty
    ordered = in_follow_up_order(actions, today)
    overdue = sum(1 for a in ordered if is_overdue(a, today))
    overdue_note = f", heraf {counted(overdue, 'forfalden')}" if overdue else ""
    lines = [f"{heading} ({len(ordered)}{overdue_note}):", *(f"• {action_line(a, today)}" for a in ordered)]
    if any(not a.done for a in ordered):
        lines.append("Markér en opgave udført med `/referat udført <nr>`.")
    return "\n".join(lines)


def missing_note(seq: int, *, owner: str | None, due: dt.date | None) -> str:
    """What an action was logged without, and how to add it: follow-up needs an owner and a deadline.

    The action is stored all the same (the minute-taker often learns them later); the note says so.
    """
    missing = [word for word, given in (("ansvarlig", owner), ("frist", due)) if not given]
    if not missing:
        return ""
    return (
        f"\nOpgaven har ingen {' og ingen '.join(missing)}, så ingen får en påmindelse. Tilføj "
        f"{'dem' if len(missing) > 1 else 'den'} med `/referat ret {seq} opgave: <opgaven> "
        "ansvarlig: @navn frist <dato>`."
    )


def next_agenda(previous: Meeting, *, approved: bool, open_actions: Sequence[Action]) -> list[AgendaItemSpec]:
    """The agenda of the meeting after `previous`: approve its referat, follow up actions, AOB."""
    approval_note = () if approved else ("Referatet er endnu ikke godkendt.",)
    follow_up = tuple(
        " – ".join(
            part
            for part in (
                a.entry.text,
                a.entry.owner or owner_label(a),
                format_long_da(a.entry.due) if a.entry.due else None,
            )
            if part
        )
        for a in open_actions
    )
    return [
        AgendaItemSpec(
            1, f"Godkendelse af referat fra mødet den {format_long_da(previous.date)}", approval_note
        ),
        AgendaItemSpec(2, "Opfølgning på opgaver", follow_up),
        AgendaItemSpec(3, "Eventuelt"),
    ]
