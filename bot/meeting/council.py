"""Recording the council's record during a meeting: votes (`afstemning`), arrivals (`ankommet`) and
departures (`gået`).

The minute-taker records them, as they record inhabilitet and absence from an item (the rule book,
bot/rulebook/book.py, says so once). Every check that needs the meeting is made before anything is
written: the item is on the agenda, the people are on the participant list, a voter took part in the
item (not inhabil, away, not yet arrived or already gone), the votes do not outnumber those who took
part — and an arrival or a departure does not make a vote already recorded impossible.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.meeting import parse as c
from bot.meeting.outcomes import Refusal, Reply, Sender, display_name
from bot.referat.attendance import presence, sentence_subject, took_part, vote_problem
from bot.referat.votes import vote_paragraph
from bot.text.clip import clip
from bot.text.danish import and_list
from bot.text.people import by_initials
from storage.records import OPENING_ITEM, Entry, EntryKind, Meeting, Participant, Vote
from storage.store import Store

NOTHING_STORED = "Intet er gemt."


def _item_heading(store: Store, meeting: Meeting, number: int) -> str:
    if number == OPENING_ITEM:
        raise Refusal(f"Skriv hvilket punkt på dagsordenen det gælder, fx 3. {NOTHING_STORED}")
    agenda = store.agenda(meeting.id)
    item = next((a for a in agenda if a.number == number), None)
    if item is None:
        raise Refusal(c.unknown_item_message(number, [(a.number, a.title) for a in agenda]))
    return f"Ad {item.number} – {item.title}"


def participant_named(
    people: Sequence[Participant], user_id: str | None, name: str | None, typed: str
) -> Participant:
    """The participant a mention, initials or a (part of a) name is.

    The caller chooses whom to look among: `inhabil` and `fravær` pass those attending; votes,
    arrivals and departures pass everyone, so that a refusal can say someone sent apologies.
    """
    if user_id:
        linked = next((p for p in people if p.slack_user_id == user_id), None)
        if linked is not None:
            return linked
    if name and (known := by_initials(name.strip(), people)):
        return known
    wanted = " ".join((name or "").casefold().split())
    if wanted:
        exact = [p for p in people if " ".join(p.name.casefold().split()) == wanted]
        partial = [p for p in people if wanted in p.name.casefold()]
        for found in (exact, partial):
            if len(found) == 1:
                return found[0]
        if len(partial) > 1:
            raise Refusal(
                f"Flere deltagere hedder noget med «{clip(name or '', 40)}»: {and_list([p.name for p in partial])}. "
                f"Skriv hele navnet eller @bruger. {NOTHING_STORED}"
            )
    present = and_list([p.name for p in people if not p.absent]) or "ingen endnu"
    raise Refusal(
        f"«{clip(typed, 60)}» står ikke på deltagerlisten. Deltagere: {present}. "
        f"Tilføj personen med `/referat deltager` først. {NOTHING_STORED}"
    )


# --------------------------------------------------------------------------------------------
# afstemning


def _side(people: Sequence[Participant], part: c.VotePart | None) -> list[Participant]:
    if part is None:
        return []
    found = [participant_named(people, uid, None, f"<@{uid}>") for uid in part.user_ids]
    found += [participant_named(people, None, name, name) for name in part.names]
    return list(dict.fromkeys(found))


def record_vote(store: Store, meeting: Meeting | None, command: c.RecordVote, sender: Sender) -> Reply:
    """`afstemning`: checked against who took part in the item, then stored as one entry."""
    assert meeting is not None
    heading = _item_heading(store, meeting, command.item_number)
    people = store.participants(meeting.id)
    entries = store.entries(meeting.id)
    parts = (command.in_favour, command.against, command.abstained)
    sides = [_side(people, part) for part in parts]
    seen: dict[int, int] = {}
    for index, side in enumerate(sides):
        for person in side:
            if person.id in seen and seen[person.id] != index:
                raise Refusal(f"{display_name(person)} står på to sider af afstemningen. {NOTHING_STORED}")
            seen[person.id] = index
    everyone = next((i for i, part in enumerate(parts) if part is not None and part.everyone), None)
    if everyone is not None:
        named_elsewhere = set(seen)
        sides[everyone] = [
            p for p in took_part(people, entries, command.item_number) if p.id not in named_elsewhere
        ]
    counts = [
        len(side) if part is None or part.count is None else part.count
        for part, side in zip(parts, sides, strict=True)
    ]
    vote = Vote(
        counts[0],
        counts[1],
        counts[2],
        tuple(p.id for p in sides[0]),
        tuple(p.id for p in sides[1]),
        tuple(p.id for p in sides[2]),
        command.stated,
    )
    problem = vote_problem(vote.voter_ids, sum(counts), command.item_number, people, entries)
    if problem is not None:
        raise Refusal(f"Afstemningen kan ikke noteres: {problem}. {NOTHING_STORED}")
    entry = store.add_entry(
        meeting.id,
        item_number=command.item_number,
        kind=EntryKind.VOTE,
        text=command.proposal,
        author_user_id=sender.user_id,
        now=sender.now,
        vote=vote,
    )
    sentence = vote_paragraph(entry.text, vote, {p.id: p for p in people})
    return Reply(f"Nr. {entry.seq} gemt under {heading}: {sentence}")


# --------------------------------------------------------------------------------------------
# ankommet, gået


def refuse_contradicted_votes(
    store: Store, meeting: Meeting, kind: EntryKind, item: int, person: Participant
) -> None:
    """Refuse a presence note (arrival, departure, inhabil, away) that a recorded vote contradicts.

    A vote naming the person on an item they would then have taken no part in, or whose count would
    outnumber those left, cannot stand beside it: the minute-taker corrects the vote first.
    """
    people = store.participants(meeting.id)
    entries = store.entries(meeting.id)
    after = [*entries, Entry(0, meeting.id, 0, item, kind, person.name, None, person.id)]
    broken = []
    for e in entries:
        if e.kind is EntryKind.VOTE and e.vote is not None:
            total = e.vote.in_favour + e.vote.against + e.vote.abstained
            if (problem := vote_problem(e.vote.voter_ids, total, e.item_number, people, after)) is not None:
                broken.append(f"nr. {e.seq} (punkt {e.item_number}): {problem}")
    if broken:
        raise Refusal(
            f"Det passer ikke med afstemningerne: {'; '.join(broken)}. Ret afstemningen først (slet og "
            f"notér igen). {NOTHING_STORED}"
        )


def note_presence(store: Store, meeting: Meeting | None, command: c.ItemNote, sender: Sender) -> Reply:
    """`ankommet <n> <person>` / `gået <n> <person>`: took part from item n, or left during it."""
    assert meeting is not None
    heading = _item_heading(store, meeting, command.item_number)
    people = store.participants(meeting.id)
    person = participant_named(people, command.user_id, command.name, command.text)
    if person.absent:
        raise Refusal(
            f"{display_name(person)} står under afbud. Flyt personen til deltagerne med "
            f"`/referat deltager {person.name}` først. {NOTHING_STORED}"
        )
    entries = store.entries(meeting.id)
    same = next((e for e in entries if e.kind is command.kind and e.speaker_id == person.id), None)
    word = "ankomst" if command.kind is EntryKind.ARRIVED else "at vedkommende gik"
    if same is not None:
        raise Refusal(
            f"{display_name(person)} har allerede en notering om {word} (nr. {same.seq}, punkt {same.item_number}). "
            f"Slet den med `/referat slet {same.seq}` og notér igen. {NOTHING_STORED}"
        )
    facts = presence(entries)
    arrived, left = facts.arrived.get(person.id), facts.left.get(person.id)
    if command.kind is EntryKind.ARRIVED and left is not None and left < command.item_number:
        raise Refusal(
            f"{display_name(person)} forlod mødet under punkt {left} og kan ikke noteres som ankommet ved punkt "
            f"{command.item_number}. {NOTHING_STORED}"
        )
    if command.kind is EntryKind.LEFT and arrived is not None and command.item_number < arrived:
        raise Refusal(
            f"{display_name(person)} deltog først fra punkt {arrived} og kan ikke have forladt mødet under punkt "
            f"{command.item_number}. {NOTHING_STORED}"
        )
    refuse_contradicted_votes(store, meeting, command.kind, command.item_number, person)
    entry = store.add_entry(
        meeting.id,
        item_number=command.item_number,
        kind=command.kind,
        text=command.text,
        author_user_id=sender.user_id,
        now=sender.now,
        speaker_ids=[person.id],
    )
    verb = "deltog fra" if command.kind is EntryKind.ARRIVED else "forlod mødet under"
    return Reply(
        f"Nr. {entry.seq} gemt ({heading}): {sentence_subject(person)} {verb} punkt {command.item_number}."
    )
