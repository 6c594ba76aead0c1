"""Who took part in which agenda item: arrivals, departures, inhabilitet and absence from an item.

A member who arrives late (`/referat ankommet 3 …`) or leaves early (`/referat gået 5 …`) took
no part in the items before or from then; a member who is inhabil or away for an item took no part
in it. That decides who may vote on an item, who the protocol says took part, and the answer to
"hvem deltog i behandlingen af punkt 3?". One rule, here, for all three.

A member who leaves *during* item n is not counted for item n's decisions: the record cannot say
whether they were still in the room when the vote was taken, and a vote that counts someone who
was gone is the worse error.

Pure: plain calls over the meeting's participants and entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.text.people import in_sentence, is_long_title, sentence_title
from storage.records import Entry, EntryKind, Participant

# Entries about a person's presence, not words anyone said.
PRESENCE_KINDS = frozenset({EntryKind.ARRIVED, EntryKind.LEFT, EntryKind.CONFLICT, EntryKind.AWAY})


def sentence_subject(person: Participant) -> str:
    """A person opening a sentence: `Politidirektør Helle Kyndesen`, `Direktør for …, Helle Støve,`."""
    title = sentence_title(person.title)
    if title and is_long_title(title):
        return f"{title}, {person.name},"
    return in_sentence(person.name, person.title)


@dataclass(frozen=True)
class Presence:
    """Arrivals and departures of a meeting: participant id → item number."""

    arrived: dict[int, int]
    left: dict[int, int]
    conflicts: frozenset[tuple[int, int]]  # (participant id, item number)
    away: frozenset[tuple[int, int]]


def presence(entries: Iterable[Entry]) -> Presence:
    """The live presence entries; a later arrival or departure of the same person counts (the latest)."""
    arrived: dict[int, int] = {}
    left: dict[int, int] = {}
    conflicts: set[tuple[int, int]] = set()
    away: set[tuple[int, int]] = set()
    for e in entries:
        if e.speaker_id is None or e.deleted_utc is not None:
            continue
        if e.kind is EntryKind.ARRIVED:
            arrived[e.speaker_id] = e.item_number
        elif e.kind is EntryKind.LEFT:
            left[e.speaker_id] = e.item_number
        elif e.kind is EntryKind.CONFLICT:
            conflicts.add((e.speaker_id, e.item_number))
        elif e.kind is EntryKind.AWAY:
            away.add((e.speaker_id, e.item_number))
    return Presence(arrived, left, frozenset(conflicts), frozenset(away))


Absence = tuple[str, int]  # ("afbud" | "inhabil" | "away" | "arrived" | "left", the item it names)

_REASONS = {
    "da": {
        "afbud": "havde meldt afbud",
        "inhabil": "var inhabil under punkt {n}",
        "away": "deltog ikke under punkt {n}",
        "arrived": "deltog først fra punkt {n}",
        "left": "forlod mødet under punkt {n}",
    },
    "en": {
        "afbud": "had sent apologies",
        "inhabil": "had a conflict of interest in item {n}",
        "away": "was not present for item {n}",
        "arrived": "took part only from item {n}",
        "left": "left the meeting during item {n}",
    },
}


def absence(person: Participant, item: int, facts: Presence) -> Absence | None:
    """Why `person` took no part in item `item`, or None if they did."""
    if person.absent:
        return ("afbud", item)
    if (person.id, item) in facts.conflicts:
        return ("inhabil", item)
    if (person.id, item) in facts.away:
        return ("away", item)
    arrived = facts.arrived.get(person.id)
    if arrived is not None and item < arrived:
        return ("arrived", arrived)
    left = facts.left.get(person.id)
    if left is not None and item >= left:
        return ("left", left)
    return None


def worded(reason: Absence, lang: str = "da") -> str:
    """The reason as a clause after the person's name (`var inhabil under punkt 3`)."""
    return _REASONS[lang][reason[0]].format(n=reason[1])


def absence_reason(person: Participant, item: int, facts: Presence) -> str | None:
    """Why `person` took no part in item `item` (a Danish clause after the name), or None if they did."""
    reason = absence(person, item, facts)
    return worded(reason) if reason else None


def took_part(participants: Sequence[Participant], entries: Iterable[Entry], item: int) -> list[Participant]:
    """The participants who took part in item `item`, in the list's order."""
    facts = presence(entries)
    return [p for p in participants if absence_reason(p, item, facts) is None]


def attendance_lines(participants: Sequence[Participant], entries: Iterable[Entry]) -> tuple[str, ...]:
    """The attendance section's sentences, in item order: who came late and who left early.

    `<Titel> <Navn> deltog fra punkt <n>.` and `<Titel> <Navn> forlod mødet under punkt <n>.`
    """
    by_id = {p.id: p for p in participants}
    notes = [
        e
        for e in entries
        if e.kind in (EntryKind.ARRIVED, EntryKind.LEFT) and e.speaker_id in by_id and e.deleted_utc is None
    ]
    notes.sort(key=lambda e: (e.item_number, e.kind is EntryKind.LEFT, e.seq))
    lines = []
    for e in notes:
        subject = sentence_subject(by_id[e.speaker_id])  # type: ignore[index]
        verb = "deltog fra" if e.kind is EntryKind.ARRIVED else "forlod mødet under"
        lines.append(f"{subject} {verb} punkt {e.item_number}.")
    return tuple(lines)


def vote_problem(
    vote_ids: Sequence[int],
    total: int,
    item: int,
    participants: Sequence[Participant],
    entries: Iterable[Entry],
) -> str | None:
    """Why a vote on `item` cannot stand as recorded (Danish, naming people), or None.

    A person who took no part in the item cannot vote, and the votes cast and abstentions together
    cannot outnumber those who took part.
    """
    facts = presence(entries)
    by_id = {p.id: p for p in participants}
    barred = [
        f"{in_sentence(by_id[i].name, by_id[i].title)} {reason}"
        for i in vote_ids
        if i in by_id and (reason := absence_reason(by_id[i], item, facts)) is not None
    ]
    if barred:
        return f"{'; '.join(barred)}, og kan ikke stemme om punkt {item}"
    present = [p for p in participants if absence_reason(p, item, facts) is None]
    if total > len(present):
        return (
            f"der er {total} stemmer, men kun {len(present)} deltog i behandlingen af punkt {item}"
            f" ({', '.join(in_sentence(p.name, p.title) for p in present) or 'ingen'})"
        )
    return None
