"""`/referat status`: the meeting as it stands, closed items in full only to their readers; and the
requests the Slack side carries out (`udkast`, `eksport`, `spørg`, `hjælp`).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.approval import service as approval
from bot.archive import access
from bot.meeting import parse as c
from bot.meeting.entries import KIND_LABEL
from bot.meeting.outcomes import (
    DraftRequested,
    Effects,
    ExportRequested,
    QuestionAsked,
    Reply,
    Sender,
    display_name,
)
from bot.meeting.people import CLOSED_MARK
from bot.referat.compile import CLOSED_DOORS
from bot.referat.votes import outcome
from bot.rulebook import gate
from bot.text.clip import clip
from bot.text.danish import and_list
from bot.text.dates import format_long_da
from bot.text.people import Person, people_of, render_mentions
from storage.records import OPENING_ITEM, Entry, EntryKind, Meeting, MeetingStatus, Participant
from storage.store import Store


def status_text(store: Store, meeting: Meeting, sender: Sender) -> str:
    participants = store.participants(meeting.id)
    agenda = store.agenda(meeting.id)
    entries = store.entries(meeting.id)
    state = {
        MeetingStatus.OPEN: "åbent",
        MeetingStatus.APPROVED: "godkendt",
        MeetingStatus.IMPORTED: "importeret",
        MeetingStatus.CANCELLED: "aflyst",
    }[meeting.status]
    lines = [f"*{meeting.title}* – {format_long_da(meeting.date)} ({state})"]
    if meeting.place:
        lines.append(f"Sted: {meeting.place}")
    if meeting.starter_user_id:
        lines.append(f"Referent: <@{meeting.starter_user_id}>")
    present = [display_name(p) for p in participants if not p.absent]
    absent = [display_name(p) for p in participants if p.absent]
    lines.append("Deltagere: " + (and_list(present) if present else "ingen endnu"))
    if absent:
        lines.append("Afbud: " + and_list(absent))
    if not agenda:
        lines.append("Dagsorden: ingen endnu")
    by_id = {p.id: p for p in participants}
    facts = store.access_facts(meeting.id)
    # Status is answered privately; closed items in full only to the participants and the referent.
    insider = bool(facts) and access.sees_closed_items(sender.user_id, facts[0])
    people = people_of(participants, {uid: name for e in entries for uid, name in e.mentioned})
    opening = [e for e in entries if e.item_number == OPENING_ITEM]
    if opening:
        lines.append("\n*Indledende bemærkninger (ad 0)*")
        lines += [_status_line(e, by_id, people) for e in opening]
    for item in agenda:
        lines.append(f"\n*{item.number}. {item.title}*{CLOSED_MARK if item.closed else ''}")
        item_entries = [e for e in entries if e.item_number == item.number]
        if item.closed and not insider:
            lines.append(f"  {CLOSED_DOORS}")
            item_entries = [e for e in item_entries if e.public]
        elif not item_entries:
            lines.append("  (intet logget)")
        for e in item_entries:
            line = _status_line(e, by_id, people)
            lines.append(line.replace(f"#{e.seq}", f"#{e.seq} (offentlig)", 1) if e.public else line)
    lines.append("")
    lines += approval.status_lines(store, meeting, approval.names_for(store, meeting, sender.user_name))
    return "\n".join(lines)


def _status_line(e: Entry, by_id: dict[int, Participant], people: Mapping[str, Person]) -> str:
    """`#4 [Opgave] Send materialet (ansvarlig: Lars Møller, frist: 22. marts 2024)`."""
    ids = e.speaker_ids or ((e.speaker_id,) if e.speaker_id else ())
    names = [by_id[i].name for i in ids if i in by_id]
    who = f" {and_list(names)}:" if names else ""
    kind = "" if e.kind is EntryKind.STATEMENT else f" [{KIND_LABEL[e.kind]}]"
    edited = " (rettet)" if e.edited_utc else ""
    extra = ""
    if e.kind is EntryKind.ACTION:
        linked = people.get(e.owner_user_id) if e.owner_user_id else None
        owner = e.owner or (linked.name if linked else None)
        parts = [f"ansvarlig: {owner or 'ingen'}", f"frist: {format_long_da(e.due) if e.due else 'ingen'}"]
        extra = f" ({', '.join(parts)})"
    if e.kind is EntryKind.VOTE and e.vote is not None:
        v = e.vote
        extra = f" (for {v.in_favour}, imod {v.against}, undlod {v.abstained}: {outcome(v)})"
    if e.kind in (EntryKind.ARRIVED, EntryKind.LEFT) and names:
        # The person is the note: `#3 [Ankommet] Helle Støve (punkt 2)`.
        return f"  #{e.seq}{kind} {and_list(names)} (punkt {e.item_number}){edited}"
    return f"  #{e.seq}{kind}{who} {clip(render_mentions(e.text, people), 140)}{extra}{edited}"


# ---------------------------------------------------------------- the handlers the rule book names


def show_status(store: Store, meeting: Meeting | None, command: c.ShowStatus, sender: Sender) -> Reply:
    assert meeting is not None
    return Reply(status_text(store, meeting, sender))


def compile_draft(
    store: Store, meeting: Meeting | None, command: c.CompileDraft, sender: Sender
) -> DraftRequested:
    assert meeting is not None
    if meeting.status is MeetingStatus.CANCELLED:
        gate.refuse_unless_open(meeting)
    return DraftRequested(meeting, Effects(meeting=meeting.id))


def export(store: Store, meeting: Meeting | None, command: c.Export, sender: Sender) -> ExportRequested:
    assert meeting is not None
    return ExportRequested(meeting, command.format)


def export_aktindsigt(
    store: Store, meeting: Meeting | None, command: c.ExportAktindsigt, sender: Sender
) -> ExportRequested:
    assert meeting is not None
    return ExportRequested(meeting, command.format, aktindsigt=command.item_number)


def ask(store: Store, meeting: Meeting | None, command: c.Ask, sender: Sender) -> QuestionAsked:
    return QuestionAsked(command.question)


def show_help(store: Store, meeting: Meeting | None, command: c.ShowHelp, sender: Sender) -> Reply:
    return Reply(c.help_text(command.topic))
