"""What is said under an item: `ad`, `protokollat`, `inhabil`, `fravær`, `fortryd`, `ret`, `slet`,
`tilføjelse`. Handlers the rule book (bot/rulebook/book.py) calls once its gate has admitted the
sender: they check what only the command's content can tell (the item, the speaker, the deadline),
write through the store and return the reply with its effects. Whatever they refuse, they refuse
before writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.meeting import council
from bot.meeting import parse as c
from bot.meeting.followup import missing_note
from bot.meeting.outcomes import (
    AdditionRequested,
    Effects,
    Refusal,
    Reply,
    Sender,
    display_name,
)
from bot.meeting.speakers import resolve_speakers
from bot.rulebook import gate
from bot.text.clip import clip
from bot.text.danish import and_list
from bot.text.dates import DateError, format_long_da
from bot.text.deadlines import read_deadline
from bot.text.people import MENTION_RE, by_initials
from storage.records import OPENING_ITEM, Entry, EntryKind, Meeting, MeetingStatus, Participant
from storage.store import Store

# How much of an entry a confirmation quotes.
_QUOTE = 200


KIND_LABEL = {
    EntryKind.STATEMENT: "Indlæg",
    EntryKind.DECISION: "Beslutning",
    EntryKind.ACTION: "Opgave",
    EntryKind.DISSENT: "Protokollat",
    EntryKind.CONFLICT: "Inhabil",
    EntryKind.AWAY: "Fravær",
    EntryKind.VOTE: "Afstemning",
    EntryKind.ARRIVED: "Ankommet",
    EntryKind.LEFT: "Gået",
}


# Notes about a person on an item, not words anyone said: changed by deleting and noting again.
_PERSON_NOTES = (EntryKind.CONFLICT, EntryKind.AWAY)


@dataclass(frozen=True)
class _ReadEntry:
    """What an entry's text means in this meeting: speakers, owner and deadline resolved."""

    command: c.LogEntry
    speakers: tuple[Participant, ...]
    owner: str | None
    owner_user_id: str | None  # the mention's, or the Slack user of the participant whose initials name them
    due: dt.date | None
    participants: tuple[Participant, ...]  # the list it was resolved against, read once per command


def _read_entry(store: Store, meeting: Meeting, command: c.LogEntry, sender: Sender) -> _ReadEntry:
    """Resolve an entry against the meeting; Refusal when its deadline is not a date. Writes nothing."""
    participants = store.participants(meeting.id)
    due: dt.date | None = None
    if command.due_text is not None:
        try:
            due = read_deadline(command.due_text, meeting.date)
        except DateError as error:
            raise Refusal(f"{error.message} Intet er gemt.") from None
    speakers: tuple[Participant, ...] = ()
    if command.kind is EntryKind.STATEMENT:
        speakers = resolve_speakers(
            command.text, participants, sender.user_id, meeting.starter_user_id
        ).participants
    owner, owner_user_id = command.owner_name, command.owner_user_id
    if owner_user_id:
        linked = next((p for p in participants if p.slack_user_id == owner_user_id and not p.absent), None)
        owner = linked.name if linked else (owner or sender.user_name(owner_user_id))
    elif owner and (known := by_initials(owner, participants)):
        owner, owner_user_id = known.name, known.slack_user_id
    if owner_user_id and not gate.may_own(store, meeting, owner_user_id, sender):
        raise Refusal(gate.not_an_owner(owner_user_id))
    return _ReadEntry(command, speakers, owner, owner_user_id, due, tuple(participants))


def _mentioned(participants: Sequence[Participant], text: str, sender: Sender) -> dict[str, str]:
    """Names of the Slack users `text` mentions who are not participants, kept with the entry."""
    linked = {p.slack_user_id for p in participants if p.slack_user_id}
    names: dict[str, str] = {}
    for m in MENTION_RE.finditer(text):
        uid = m["uid"]
        if uid in linked or uid in names:
            continue
        name = sender.user_name(uid) or (m["label"] or "").strip()
        if name:
            names[uid] = name
    return names


def _item_heading(store: Store, meeting: Meeting, number: int) -> str:
    """`Ad 3 – Titel` for an item on the agenda; Refusal when the agenda has no such item."""
    title = store.agenda_title(meeting.id, number)
    if title is not None:
        return f"Ad {number} – {title}"
    agenda = store.agenda(meeting.id)
    if not agenda:
        raise Refusal(
            "Mødet har ingen dagsorden endnu. Sæt den med `/referat dagsorden` efterfulgt af punkterne, "
            "fx `1. Orientering fra politiet`."
        )
    item = next((a for a in agenda if a.number == number), None)
    if item is None:
        raise Refusal(c.unknown_item_message(number, [(a.number, a.title) for a in agenda]))
    return f"Ad {item.number} – {item.title}"


def _log(store: Store, meeting: Meeting, command: c.LogEntry, sender: Sender) -> Reply:
    if command.item_number == OPENING_ITEM:
        heading = "de indledende bemærkninger"
    else:
        heading = _item_heading(store, meeting, command.item_number)
    read = _read_entry(store, meeting, command, sender)
    entry = store.add_entry(
        meeting.id,
        item_number=command.item_number,
        kind=command.kind,
        text=command.text,
        author_user_id=sender.user_id,
        now=sender.now,
        speaker_ids=[p.id for p in read.speakers],
        owner=read.owner,
        owner_user_id=read.owner_user_id,
        due=read.due,
        mentioned=_mentioned(read.participants, command.text, sender),
        public=command.public,
    )
    missing = (
        missing_note(entry.seq, owner=read.owner, due=read.due) if entry.kind is EntryKind.ACTION else ""
    )
    return Reply(
        f"Nr. {entry.seq} gemt under {heading}: {_describe(entry, read)}: «{clip(entry.text, _QUOTE)}»{missing}"
    )


def _addition(store: Store, meeting: Meeting, command: c.AddAddition, sender: Sender) -> AdditionRequested:
    """After approval the approved text never changes: corrections are dated additions, approved again."""
    if meeting.status is not MeetingStatus.APPROVED or store.approved_referat(meeting.id) is None:
        raise Refusal(gate.NOT_APPROVED_YET)
    return AdditionRequested(
        meeting, store.add_addition(meeting.id, command.text, user_id=sender.user_id, now=sender.now)
    )


def _note(store: Store, meeting: Meeting, command: c.ItemNote, sender: Sender) -> Reply:
    """`protokollat`: the sender's own dissent. `inhabil`, `fravær`: the minute-taker notes a person."""
    present = [p for p in store.participants(meeting.id) if not p.absent]
    if command.kind is EntryKind.DISSENT:
        person = next((p for p in present if p.slack_user_id == sender.user_id), None)
        if person is None:
            raise Refusal(
                "Kun mødets deltagere kan få noget ført til protokol, og kun for sig selv. Du står ikke på "
                "deltagerlisten; referenten tilføjer dig med `/referat deltager @dig | titel`. Intet er gemt."
            )
    else:
        person = _participant_named(present, command)
    if command.item_number == OPENING_ITEM:
        raise Refusal("Skriv hvilket punkt på dagsordenen det gælder, fx 3. Intet er gemt.")
    heading = _item_heading(store, meeting, command.item_number)
    if command.kind in _PERSON_NOTES and any(
        e.kind is command.kind and e.item_number == command.item_number and e.speaker_id == person.id
        for e in store.entries(meeting.id)
    ):
        raise Refusal(
            f"{display_name(person)} er allerede noteret som {KIND_LABEL[command.kind].lower()} under {heading}."
        )
    if command.kind in _PERSON_NOTES:
        council.refuse_contradicted_votes(store, meeting, command.kind, command.item_number, person)
    entry = store.add_entry(
        meeting.id,
        item_number=command.item_number,
        kind=command.kind,
        text=command.text,
        author_user_id=sender.user_id,
        now=sender.now,
        speaker_ids=[person.id],
        mentioned=_mentioned(store.participants(meeting.id), command.text, sender),
    )
    said = f": «{clip(entry.text, _QUOTE)}»" if command.kind is EntryKind.DISSENT else ""
    return Reply(
        f"Nr. {entry.seq} gemt under {heading}: {KIND_LABEL[entry.kind]} – {display_name(person)}{said}"
    )


def _participant_named(present: list[Participant], command: c.ItemNote) -> Participant:
    """The attending participant an `inhabil`/`fravær` names, by mention, initials or (part of) the name."""
    return council.participant_named(present, command.user_id, command.name, command.text)


def _describe(entry: Entry, read: _ReadEntry) -> str:
    return describe_entry(entry, read.speakers, read.owner, read.due)


def describe_entry(
    entry: Entry, speakers: Sequence[Participant], owner: str | None, due: dt.date | None
) -> str:
    """`Indlæg – Politidirektør Helle Kyndesen` / `Opgave (ansvarlig: …) (frist: …)` for a confirmation."""
    who = f" – {and_list([display_name(p) for p in speakers])}" if speakers else ""
    extra = ""
    if entry.kind is EntryKind.ACTION:
        parts = [
            f"ansvarlig: {owner}" if owner else "",
            f"frist: {format_long_da(due)}" if due else "",
        ]
        extra = "".join(f" ({p})" for p in parts if p)
    if entry.public:
        extra += " (offentlig)"
    return f"{KIND_LABEL[entry.kind]}{who}{extra}"


def _edit(store: Store, meeting: Meeting, seq: int, text: str, sender: Sender) -> Reply:
    """`ret <nr>`: the new text is read as a new entry would be: kind, speakers, owner, deadline."""
    entry = _entry_for_change(store, meeting, seq, sender, "rette")
    if entry.kind in (*_PERSON_NOTES, EntryKind.VOTE, EntryKind.ARRIVED, EntryKind.LEFT):
        raise Refusal(
            f"Nr. {seq} er en notering af {KIND_LABEL[entry.kind].lower()}. Slet den med `/referat slet {seq}` "
            "og notér igen."
        )
    if entry.kind is EntryKind.DISSENT:
        edited = store.edit_entry(meeting.id, seq, text.strip(), user_id=sender.user_id, now=sender.now)
        return Reply(
            f"Protokollat nr. {seq} er rettet. Før: «{clip(entry.text, _QUOTE)}» Nu: «{clip(edited.text, _QUOTE)}»"
        )
    try:
        command = c.parse_entry(entry.item_number, text)
    except c.CommandError as error:
        raise Refusal(error.message) from None
    # The edit is the entry's author's line, so its speaker rule is theirs, not the editor's.
    author = replace(sender, user_id=entry.author_user_id or sender.user_id)
    read = _read_entry(store, meeting, command, author)
    edited = store.edit_entry(
        meeting.id,
        entry.seq,
        command.text,
        user_id=sender.user_id,
        now=sender.now,
        kind=command.kind,
        speaker_ids=[p.id for p in read.speakers],
        owner=read.owner,
        owner_user_id=read.owner_user_id,
        due=read.due,
        mentioned=_mentioned(read.participants, command.text, sender),
    )
    return Reply(
        f"Nr. {seq} er rettet: {_describe(edited, read)}. Før: «{clip(entry.text, _QUOTE)}» Nu: «{clip(edited.text, _QUOTE)}»"
    )


def _entry_for_change(store: Store, meeting: Meeting, seq: int, sender: Sender, verb: str) -> Entry:
    entry = store.entry_by_seq(meeting.id, seq)
    if entry is None:
        raise Refusal(f"Der er ingen notering nr. {seq} i mødet. Se numrene med `/referat status`.")
    if entry.kind is EntryKind.DISSENT and sender.user_id != entry.author_user_id:
        # A dissent is the member's own words in the record: not even the minute-taker changes it.
        raise Refusal(
            f"Nr. {seq} er <@{entry.author_user_id}>s protokollat; kun vedkommende selv kan {verb} det."
        )
    return entry


# ---------------------------------------------------------------- the handlers the rule book names


def _actions_of(store: Store, meeting: Meeting) -> Effects:
    """An entry changed: every action of its meeting is compared with its reminders again."""
    return Effects(actions=tuple(store.meeting_action_numbers(meeting.id)), meeting=meeting.id)


def log_entry(store: Store, meeting: Meeting | None, command: c.LogEntry, sender: Sender) -> Reply:
    assert meeting is not None
    reply = _log(store, meeting, command, sender)
    if command.kind is EntryKind.ACTION:
        return Reply(reply.text, _actions_of(store, meeting))
    return Reply(reply.text, Effects(meeting=meeting.id))


def note_on_item(store: Store, meeting: Meeting | None, command: c.ItemNote, sender: Sender) -> Reply:
    assert meeting is not None
    return Reply(_note(store, meeting, command, sender).text, Effects(meeting=meeting.id))


def undo(store: Store, meeting: Meeting | None, command: c.Undo, sender: Sender) -> Reply:
    assert meeting is not None
    last = last_own_entry(store, meeting, sender)
    store.delete_entry(meeting.id, last.seq, user_id=sender.user_id, now=sender.now, action="undo")
    return Reply(
        f"Fortrudt: nr. {last.seq} (Ad {last.item_number}): «{clip(last.text, _QUOTE)}»",
        _actions_of(store, meeting),
    )


def edit_entry(store: Store, meeting: Meeting | None, command: c.EditEntry, sender: Sender) -> Reply:
    assert meeting is not None
    return Reply(_edit(store, meeting, command.seq, command.text, sender).text, _actions_of(store, meeting))


def delete_entry(store: Store, meeting: Meeting | None, command: c.DeleteEntry, sender: Sender) -> Reply:
    assert meeting is not None
    entry = _entry_for_change(store, meeting, command.seq, sender, "slette")
    store.delete_entry(meeting.id, command.seq, user_id=sender.user_id, now=sender.now)
    return Reply(f"Nr. {command.seq} er slettet: «{clip(entry.text, _QUOTE)}»", _actions_of(store, meeting))


def addition(
    store: Store, meeting: Meeting | None, command: c.AddAddition, sender: Sender
) -> AdditionRequested:
    assert meeting is not None
    requested = _addition(store, meeting, command, sender)
    return AdditionRequested(requested.meeting, requested.addition, Effects(meeting=meeting.id))


# ---------------------------------------------------------------- who an entry belongs to (the gate's subjects)


def last_own_entry(store: Store, meeting: Meeting, sender: Sender) -> Entry:
    """`fortryd`: the sender's newest entry; Refusal when they have none."""
    last = store.last_entry_by(meeting.id, sender.user_id)
    if last is None:
        raise Refusal("Du har ingen indlæg i dette møde at fortryde. Intet er ændret.")
    return last


def entry_author(store: Store, meeting: Meeting, seq: int) -> tuple[str | None, str]:
    """`ret`/`slet`: who wrote entry `seq`, for the gate's AUTHOR role; Refusal when there is none."""
    entry = store.entry_by_seq(meeting.id, seq)
    if entry is None:
        raise Refusal(f"Der er ingen notering nr. {seq} i mødet. Se numrene med `/referat status`.")
    return entry.author_user_id, f"<@{entry.author_user_id}>" if entry.author_user_id else "forfatteren"
