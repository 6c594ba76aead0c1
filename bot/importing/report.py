"""`referat import --dry-run FILE`: how a document was read, shown before anything is stored.

Meeting, date, place and time; people with their roles, initials and groups; each item with its
decisions and actions; the opening remarks; and what could not be placed or was dropped as the web
page's furniture. Pure text from an ImportedMeeting, so the person importing can check a layout the
importer has never seen before trusting it with the archive.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.importing.imported import ImportedEntry, ImportedMeeting, ImportedParticipant
from bot.text.danish import counted
from bot.text.dates import format_long_da
from storage.records import OPENING_ITEM, EntryKind

_KIND = {EntryKind.DECISION: "Beslutning", EntryKind.ACTION: "Opgave", EntryKind.STATEMENT: "Udtalelse"}
_SHOWN = 160  # characters of an entry's text per line; the file itself holds the rest


def _person(p: ImportedParticipant) -> str:
    parts = [p.name]
    if p.initials:
        parts.append(f"({p.initials})")
    extras = [x for x in (p.title, p.role if p.role and p.role != (p.title or "").casefold() else None) if x]
    if extras:
        parts.append("– " + ", ".join(extras))
    if p.organisation:
        parts.append(f"[{p.organisation}]")
    return " ".join(parts)


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1].rstrip() + "…"


def _entry(e: ImportedEntry) -> str:
    who = ""
    if e.kind is EntryKind.ACTION:
        owner = f"ansvarlig: {e.owner}" if e.owner else "ingen ansvarlig"
        due = f", frist {format_long_da(e.due)}" if e.due else ""
        who = f" ({owner}{due})"
    elif e.speaker:
        who = f" ({' og '.join([e.speaker, *e.co_speakers])})"
    return f"    {_KIND.get(e.kind, str(e.kind))}{who}: {_short(e.text)}"


def dry_run_lines(meeting: ImportedMeeting) -> Iterator[str]:
    """The reading of one document, line by line, in Danish."""
    yield f"Møde: {meeting.title}"
    yield f"Dato: {format_long_da(meeting.date)}"
    yield f"Sted: {meeting.place or '(intet fundet)'}"
    yield f"Tid: {meeting.time_of_day or '(intet fundet)'}"
    present = [p for p in meeting.participants if not p.absent]
    absent = [p for p in meeting.participants if p.absent]
    yield f"Til stede ({len(present)}):"
    yield from (f"  {_person(p)}" for p in present)
    if absent:
        yield f"Afbud ({len(absent)}):"
        yield from (f"  {_person(p)}" for p in absent)
    opening = [e for e in meeting.entries if e.item_number == OPENING_ITEM]
    if opening:
        yield "Indledning (ad 0):"
        yield from map(_entry, opening)
    for item in meeting.agenda:
        entries = [e for e in meeting.entries if e.item_number == item.number]
        yield f"Punkt {item.number}: {item.title}"
        yield from map(_entry, entries)
    decisions = sum(1 for e in meeting.entries if e.kind is EntryKind.DECISION)
    actions = sum(1 for e in meeting.entries if e.kind is EntryKind.ACTION)
    yield (
        f"I alt: {counted(len(meeting.agenda), 'punkt')}, {counted(len(meeting.entries), 'notering')}, "
        f"{counted(decisions, 'beslutning')} og {counted(actions, 'opgave')}."
    )
    if meeting.unplaced:
        yield f"Ikke placeret ({len(meeting.unplaced)}):"
        yield from (f"  {_short(line)}" for line in meeting.unplaced)
    if meeting.dropped:
        yield f"Udeladt som websidens rester ({len(meeting.dropped)}):"
        yield from (f"  {_short(line)}" for line in meeting.dropped)
    yield from (f"Advarsel: {w}" for w in meeting.warnings)
    yield "Intet er gemt (--dry-run)."
