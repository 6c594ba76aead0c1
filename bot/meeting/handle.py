"""Apply a parsed `/referat` command to the store and say what happened, without Slack.

Listeners (Slack) and the console call `handle_command`; it checks everything that needs the
meeting (open meeting, known agenda item, permissions, the approval lock), writes through the
store, and returns the short Danish reply. Whatever it refuses, it refuses before writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.approval import service as approval
from bot.archive import access
from bot.meeting import followup
from bot.meeting import parse as c
from bot.meeting.refusals import worded
from bot.meeting.speakers import resolve_speakers
from bot.referat.compile import CLOSED_DOORS
from bot.text.clip import clip
from bot.text.danish import and_list, counted
from bot.text.dates import DateError, format_long_da, format_stamp
from bot.text.deadlines import read_deadline
from bot.text.people import MENTION_RE, Person, by_initials, people_of, render_mentions, with_initials
from storage.errors import ReferatError, StoreError
from storage.records import (
    OPENING_ITEM,
    Action,
    Addition,
    Entry,
    EntryKind,
    Meeting,
    MeetingStatus,
    Participant,
)
from storage.store import Store

# How much of an entry a confirmation quotes.
_QUOTE = 200

NO_MEETING = (
    "Der er intet møde i gang i denne kanal. Start et med "
    "`/referat start <titel> | <dato> | <sted>`, fx `/referat start Kredsrådsmøde i Holstebro Kommune | "
    "19. marts 2024 | rådhuset i Holstebro`."
)

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


class Refusal(ReferatError):
    """The command cannot be carried out; the message tells the user why. Nothing was stored."""


@dataclass(frozen=True)
class Sender:
    user_id: str
    channel_id: str
    now: dt.datetime
    # Resolves a Slack user id to a display name (users.info in Slack, the roster in the console).
    user_name: Callable[[str], str | None]
    # The workspace a meeting started by this command belongs to (the installation's).
    team_id: str | None = None
    enterprise_id: str | None = None


@dataclass(frozen=True)
class Reply:
    """An answer only the sender sees."""

    text: str


@dataclass(frozen=True)
class DraftRequested:
    """`/referat udkast`: the caller compiles and posts the draft (it needs Slack)."""

    meeting: Meeting


@dataclass(frozen=True)
class QuestionAsked:
    question: str


@dataclass(frozen=True)
class ApproversRequested:
    meeting: Meeting
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class ExportRequested:
    meeting: Meeting
    format: str | None


@dataclass(frozen=True)
class AdditionRequested:
    """`/referat tilføjelse`: stored; the caller posts it in the draft's thread for approval."""

    meeting: Meeting
    addition: Addition


Outcome = AdditionRequested | Reply | DraftRequested | QuestionAsked | ApproversRequested | ExportRequested


def handle_command(store: Store, command: c.Command, sender: Sender) -> Outcome:
    """Carry out one command; raises Refusal with the user's message when refused."""
    try:
        return _handle(store, command, sender)
    except StoreError as error:
        raise Refusal(worded(error)) from error


def _handle(store: Store, command: c.Command, sender: Sender) -> Outcome:
    match command:
        case c.ShowHelp(topic=topic):
            return Reply(c.help_text(topic))
        case c.StartMeeting():
            return _start(store, command, sender)
        case c.Ask(question=question):
            return QuestionAsked(question)
        case c.ListActions():
            return Reply(_list_actions(store, command, sender))
        case c.MarkDone(number=number, note=note):
            return _mark_done(store, number, note, sender)
        case c.NextMeeting():
            return _next_meeting(store, command, sender)

    meeting = store.current_meeting(sender.channel_id)
    if meeting is None:
        raise Refusal(NO_MEETING)

    match command:
        case c.ShowStatus():
            return Reply(status_text(store, meeting, sender))
        case c.CompileDraft():
            if meeting.status is MeetingStatus.CANCELLED:
                refuse_if_approved(meeting)
            return DraftRequested(meeting)
        case c.Export(format=fmt):
            return ExportRequested(meeting, fmt)
        case c.AddAddition():
            return _addition(store, meeting, command, sender)

    refuse_if_approved(meeting)
    match command:
        case c.AddParticipant() | c.AddAbsent():
            require_minute_taker(meeting, sender, "tilføje deltagere og afbud")
            return _participant(store, meeting, command, sender)
        case c.SetAgenda(items=items):
            require_minute_taker(meeting, sender, "sætte dagsordenen")
            agenda = store.set_agenda(
                meeting.id,
                [(i.number, i.title, i.bullets, i.background) for i in items],
                user_id=sender.user_id,
                now=sender.now,
                closed=[i.number for i in items if i.closed],
            )
            lines = [f"{a.number}. {a.title}{CLOSED_MARK if a.closed else ''}" for a in agenda]
            return Reply("Dagsordenen er gemt:\n" + "\n".join(lines))
        case c.CloseItem(number=number, closed=closed):
            require_minute_taker(meeting, sender, "lukke og åbne punkter")
            return _close_item(store, meeting, number, closed, sender)
        case c.HandOver(user_id=new):
            require_minute_taker(meeting, sender, "give rollen som referent videre")
            store.set_minute_taker(meeting.id, new, user_id=sender.user_id, now=sender.now)
            return Reply(
                f"<@{new}> er nu referent for {meeting.title}. Du kan ikke længere ændre mødets opsætning."
            )
        case c.LogEntry():
            require_participant(store, meeting, sender)
            return _log(store, meeting, command, sender)
        case c.ItemNote():
            return _note(store, meeting, command, sender)
        case c.Undo():
            last = store.last_entry_by(meeting.id, sender.user_id)
            if last is None:
                raise Refusal("Du har ingen indlæg i dette møde at fortryde.")
            store.delete_entry(meeting.id, last.seq, user_id=sender.user_id, now=sender.now, action="undo")
            return Reply(f"Fortrudt: nr. {last.seq} (Ad {last.item_number}): «{clip(last.text, _QUOTE)}»")
        case c.EditEntry(seq=seq, text=text):
            return _edit(store, meeting, seq, text, sender)
        case c.DeleteEntry(seq=seq):
            entry = _entry_for_change(store, meeting, seq, sender, "slette")
            store.delete_entry(meeting.id, seq, user_id=sender.user_id, now=sender.now)
            return Reply(f"Nr. {seq} er slettet: «{clip(entry.text, _QUOTE)}»")
        case c.SetApprovers(user_ids=user_ids):
            require_minute_taker(meeting, sender, "ændre godkenderne")
            return ApproversRequested(meeting, tuple(user_ids))
        case c.EditMeeting(meeting=frame):
            return _edit_meeting(store, meeting, frame, sender)
        case c.RemovePerson():
            return _remove(store, meeting, command, sender)
        case c.MarkCommentHandled(number=number):
            require_minute_taker(meeting, sender, "markere kommentarer som behandlet")
            comments = store.comments(meeting.id)
            if not 1 <= number <= len(comments):
                raise Refusal(
                    f"Der er ingen kommentar nr. {number}. Mødet har {counted(len(comments), 'kommentar')}; "
                    "numrene står i `/referat status`."
                )
            chosen = comments[number - 1]
            if not store.mark_comment_handled(meeting.id, chosen.id, user_id=sender.user_id, now=sender.now):
                return Reply(f"Kommentar nr. {number} var allerede behandlet.")
            return Reply(f"Kommentar nr. {number} er behandlet: «{clip(chosen.text, 120)}»")
        case c.CancelMeeting():
            require_minute_taker(meeting, sender, "aflyse mødet")
            store.cancel_meeting(meeting.id, user_id=sender.user_id, now=sender.now)
            return Reply(
                f"Mødet er aflyst: {meeting.title}, {format_long_da(meeting.date)}. Det bliver i arkivet, "
                "markeret som aflyst. Start et nyt møde med `/referat start`."
            )
    raise Refusal(c.help_text(None))


CLOSED_MARK = " (lukket)"


def require_minute_taker(meeting: Meeting, sender: Sender, what: str) -> None:
    """Only the minute-taker changes a meeting's setup; refuse anyone else, naming who may."""
    if sender.user_id != meeting.starter_user_id:
        who = f" (<@{meeting.starter_user_id}>)" if meeting.starter_user_id else ""
        raise Refusal(
            f"Kun referenten{who} kan {what}. Bed referenten om det, eller om at give dig rollen med "
            "`/referat referent @dig`."
        )


def require_participant(store: Store, meeting: Meeting, sender: Sender) -> None:
    """Entries are logged by the minute-taker and the participants linked to a Slack user."""
    if sender.user_id == meeting.starter_user_id:
        return
    if any(p.slack_user_id == sender.user_id and not p.absent for p in store.participants(meeting.id)):
        return
    raise Refusal(
        "Kun mødets deltagere og referenten kan notere. Bed referenten tilføje dig med "
        f"`/referat deltager @dig`{f' (<@{meeting.starter_user_id}>)' if meeting.starter_user_id else ''}."
    )


def _close_item(store: Store, meeting: Meeting, number: int, closed: bool, sender: Sender) -> Reply:
    item = store.set_item_closed(meeting.id, number, closed, user_id=sender.user_id, now=sender.now)
    if item is None:
        raise Refusal(c.unknown_item_message(number, [(a.number, a.title) for a in store.agenda(meeting.id)]))
    if closed:
        return Reply(
            f"Punkt {item.number} – {item.title} er lukket: kun deltagerne og referenten kan læse det, og "
            "kun privat. Udkastet i kanalen viser overskriften og «Punktet blev behandlet for lukkede døre.»; "
            f"en beslutning kan vises med `/referat ad {item.number} beslutning (offentlig): …`."
        )
    return Reply(f"Punkt {item.number} – {item.title} er åbent igen.")


def _edit_meeting(store: Store, meeting: Meeting, frame: c.StartMeeting, sender: Sender) -> Reply:
    require_minute_taker(meeting, sender, "rette mødet")
    changed = store.update_meeting(
        meeting.id,
        title=frame.title,
        date=frame.date if frame.date_given else None,
        place=frame.place,
        time_of_day=frame.time_of_day,
        user_id=sender.user_id,
        now=sender.now,
    )
    place = f"\nSted: {changed.place}" if changed.place else ""
    return Reply(f"Mødet er rettet: {changed.title}\nDato: {format_long_da(changed.date)}{place}")


def _remove(store: Store, meeting: Meeting, command: c.RemovePerson, sender: Sender) -> Reply:
    """`fjern`: a mention matches the Slack user, a name the whole name (never a first name alone)."""
    require_minute_taker(meeting, sender, "fjerne personer fra listen")
    people = store.participants(meeting.id)
    if command.user_id:
        person = next((p for p in people if p.slack_user_id == command.user_id), None)
    else:
        wanted = " ".join((command.name or "").split()).casefold()
        person = next((p for p in people if " ".join(p.name.split()).casefold() == wanted), None)
    if person is None:
        listed = ", ".join(p.name for p in people) or "ingen"
        raise Refusal(f"{command.name or 'Personen'} står ikke på listen. På listen: {listed}.")
    used = [
        e.seq
        for e in store.entries(meeting.id)
        if person.id in (e.speaker_ids or (e.speaker_id,))
        or (person.slack_user_id and e.owner_user_id == person.slack_user_id)
        or (not e.owner_user_id and e.owner == person.name)
    ]
    if used:
        numbers = and_list([f"nr. {n}" for n in used])
        raise Refusal(
            f"{person.name} har noteringer ({numbers}) og kan ikke fjernes. Ret eller slet dem først. "
            "Intet er ændret."
        )
    store.remove_participant(meeting.id, person.id, user_id=sender.user_id, now=sender.now)
    where = "afbud" if person.absent else "deltagerlisten"
    return Reply(f"Fjernet fra {where}: {display_name(person)}")


def refuse_if_approved(meeting: Meeting) -> None:
    """Refuse every change to an approved or cancelled meeting."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise Refusal(
            f"Mødet {meeting.title} ({format_long_da(meeting.date)}) er aflyst og kan ikke ændres. "
            "Start et nyt møde med `/referat start`."
        )
    if meeting.status is MeetingStatus.APPROVED:
        at = f" {format_stamp(meeting.approved_utc)}" if meeting.approved_utc else ""
        raise Refusal(
            f"Referatet af {meeting.title} er godkendt{at} og kan ikke længere ændres. "
            "Start et nyt møde med `/referat start`."
        )


def _start(store: Store, command: c.StartMeeting, sender: Sender) -> Reply:
    meeting = store.create_meeting(
        title=command.title,
        date=command.date,
        place=command.place,
        time_of_day=command.time_of_day,
        channel_id=sender.channel_id,
        starter_user_id=sender.user_id,
        now=sender.now,
        team_id=sender.team_id,
        enterprise_id=sender.enterprise_id,
    )
    date_note = "" if command.date_given else " (ingen dato angivet: dags dato)"
    place = f"\nSted: {meeting.place}" if meeting.place else ""
    return Reply(
        f"Mødet er startet: {meeting.title}\n"
        f"Dato: {format_long_da(meeting.date)}{date_note}{place}\n"
        "Du er referent. Tilføj deltagere med `/referat deltager`, dagsorden med `/referat dagsorden`, "
        "og log med `/referat ad <nr> <tekst>`."
    )


def _participant(
    store: Store, meeting: Meeting, command: c.AddParticipant | c.AddAbsent, sender: Sender
) -> Reply:
    name = command.name
    if not name and command.user_id:
        name = sender.user_name(command.user_id)
        if not name:
            raise Refusal(
                f"Kunne ikke slå navnet op for <@{command.user_id}>. Skriv navnet efter nævnelsen, "
                "fx `/referat deltager @helle Helle Kyndesen | Politidirektør | politiet`."
            )
    if not name:
        raise Refusal(c.help_text("afbud" if isinstance(command, c.AddAbsent) else "deltager"))
    absent = isinstance(command, c.AddAbsent)
    participant, created = store.add_participant(
        meeting.id,
        name=name,
        title=command.title,
        organisation=command.organisation,
        absent=absent,
        slack_user_id=command.user_id,
        initials=command.initials,
        user_id=sender.user_id,
        now=sender.now,
    )
    verb = "Tilføjet" if created else "Opdateret"
    where = (
        "under Afbud"
        if absent
        else (f"under «Fra {participant.organisation}»" if participant.organisation else "under Deltagere")
    )
    return Reply(f"{verb} {where}: {display_name(participant)}")


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
    return Reply(
        f"Nr. {entry.seq} gemt under {heading}: {_describe(entry, read)}: «{clip(entry.text, _QUOTE)}»"
    )


def _addition(store: Store, meeting: Meeting, command: c.AddAddition, sender: Sender) -> AdditionRequested:
    """After approval the approved text never changes: corrections are dated additions, approved again."""
    require_minute_taker(meeting, sender, "lave tilføjelser")
    if meeting.status is not MeetingStatus.APPROVED or store.approved_referat(meeting.id) is None:
        raise Refusal(
            "Referatet er ikke godkendt endnu, så ret indlæggene direkte (`/referat ret`) og lav et nyt "
            "udkast. Tilføjelser er til et godkendt referat. Intet er gemt."
        )
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
        word = "inhabilitet" if command.kind is EntryKind.CONFLICT else "fravær under et punkt"
        require_minute_taker(meeting, sender, f"notere {word}")
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
    """The attending participant an `inhabil`/`fravær` names, by mention or by (part of) the name."""
    if command.user_id:
        linked = next((p for p in present if p.slack_user_id == command.user_id), None)
        if linked is not None:
            return linked
    if command.name and (known := by_initials(command.name.strip(), present)):
        return known
    typed = " ".join((command.name or "").casefold().split())
    if typed:
        exact = [p for p in present if p.name.casefold() == typed]
        partial = [p for p in present if typed in p.name.casefold()]
        for found in (exact, partial):
            if len(found) == 1:
                return found[0]
        if len(partial) > 1:
            raise Refusal(
                f"Flere deltagere hedder noget med «{command.name}»: "
                f"{and_list([p.name for p in partial])}. Skriv hele navnet eller @bruger. Intet er gemt."
            )
    names = and_list([p.name for p in present]) or "ingen endnu"
    raise Refusal(
        f"«{command.text}» står ikke på deltagerlisten, så intet er gemt. Deltagere: {names}. "
        "Tilføj personen med `/referat deltager` først."
    )


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
    if entry.kind in _PERSON_NOTES:
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
    author = Sender(entry.author_user_id or sender.user_id, sender.channel_id, sender.now, sender.user_name)
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


def readable_meetings(store: Store, sender: Sender) -> list[Meeting]:
    """The meetings whose actions the sender may list here: those of the channel they write in.

    The access rules (bot/archive/access.py) let a channel's members read its meetings, and only a
    member can type in it; closed items are left out by `readable_actions`.
    """
    return store.channel_meetings(sender.channel_id)


def readable_actions(store: Store, actions: list[Action], reader: str | None) -> list[Action]:
    """`actions` without those on closed items `reader` may not read (None: a listing for all)."""
    facts = {f.meeting_id: f for mid in {a.meeting.id for a in actions} for f in store.access_facts(mid)}
    return followup.without_closed(actions, facts, reader)


def _list_actions(store: Store, command: c.ListActions, sender: Sender) -> str:
    today = followup.local_today(sender.now)
    meetings = readable_meetings(store, sender)
    state = "" if command.include_done else "åbne "
    if not meetings:
        # A direct message with the bot, or a channel without meetings: only the sender's own
        # actions, which they were told about anyway (reminders name them too).
        if command.owner_user_id not in (None, sender.user_id):
            raise Refusal(
                "Her er ingen møder. Skriv kommandoen i mødets kanal for at se andres opgaver, "
                "eller skriv `/referat opgaver mine`."
            )
        actions = readable_actions(
            store,
            store.actions(owner_user_id=sender.user_id, include_done=command.include_done),
            sender.user_id,
        )
        return followup.actions_text(
            actions, today, heading=f"Dine {state}opgaver", empty=f"Du har ingen {state}opgaver."
        )
    owner = sender.user_id if command.mine else command.owner_user_id
    actions = readable_actions(
        store,
        store.actions(
            meeting_ids=[m.id for m in meetings], owner_user_id=owner, include_done=command.include_done
        ),
        sender.user_id,
    )
    if owner == sender.user_id:
        heading, empty = f"Dine {state}opgaver", f"Du har ingen {state}opgaver fra kanalens møder."
    elif owner is not None:
        heading, empty = f"{state}opgaver for <@{owner}>", f"<@{owner}> har ingen {state}opgaver."
    else:
        heading, empty = (
            f"{state}opgaver fra kanalens møder",
            f"Der er ingen {state}opgaver fra kanalens møder.",
        )
    heading = heading[0].upper() + heading[1:]
    return followup.actions_text(actions, today, heading=heading, empty=empty)


def _mark_done(store: Store, number: int, note: str | None, sender: Sender) -> Reply:
    action = store.action(number)
    if action is None:
        raise Refusal(f"Der er ingen opgave nr. {number}. Se numrene med `/referat opgaver`.")
    if sender.user_id not in (action.entry.owner_user_id, action.meeting.starter_user_id):
        owner = followup.owner_label(action) or "den ansvarlige"
        raise Refusal(
            f"Kun den ansvarlige ({owner}) eller referenten (<@{action.meeting.starter_user_id}>) "
            f"kan markere opgave nr. {number} udført."
        )
    if action.done:
        raise Refusal(f"Opgave nr. {number} er allerede {followup.done_label(action)}.")
    done = store.mark_action_done(number, user_id=sender.user_id, note=note, now=sender.now)
    noted = f" Bemærkning: «{clip(note, _QUOTE)}»" if note else ""
    return Reply(
        f"Opgave nr. {number} er {followup.done_label(done)}: «{clip(done.entry.text, _QUOTE)}» "
        f"({followup.meeting_label(done.meeting)}).{noted} Referatet er uændret."
    )


def _next_meeting(store: Store, command: c.NextMeeting, sender: Sender) -> Reply:
    previous = store.current_meeting(sender.channel_id)
    if previous is None:
        raise Refusal(
            "Der er intet tidligere møde i kanalen at fortsætte fra. Start et med "
            "`/referat start <titel> | <dato> | <sted>`."
        )
    if previous.status is MeetingStatus.OPEN and store.latest_draft(previous.id) is None:
        raise Refusal(
            f"{previous.title} den {format_long_da(previous.date)} er stadig i gang og har intet udkast. "
            "Lav udkastet med `/referat udkast`, før du starter det næste møde."
        )
    approved = previous.status is MeetingStatus.APPROVED
    today = followup.local_today(sender.now)
    # The new agenda is read by everyone at the next meeting: no action on a closed item.
    open_actions = followup.in_follow_up_order(
        readable_actions(
            store, store.actions(meeting_ids=[m.id for m in readable_meetings(store, sender)]), None
        ),
        today,
    )
    agenda = followup.next_agenda(previous, approved=approved, open_actions=open_actions)
    meeting = store.start_next_meeting(
        previous,
        date=command.date or today,
        place=command.place or previous.place,
        time_of_day=command.time_of_day,
        starter_user_id=sender.user_id,
        agenda=[(a.number, a.title, a.bullets, a.background) for a in agenda],
        now=sender.now,
    )
    people = store.participants(meeting.id)
    date_note = "" if command.date else " (ingen dato angivet: dags dato)"
    lines = [
        f"Næste møde er startet: {meeting.title}",
        f"Dato: {format_long_da(meeting.date)}{date_note}",
    ]
    if meeting.place:
        lines.append(f"Sted: {meeting.place}")
    lines.append(f"Deltagere fra sidste møde: {', '.join(display_name(p) for p in people) or 'ingen'}")
    lines.append("Dagsorden:")
    for item in agenda:
        lines.append(f"{item.number}. {item.title}")
        lines += [f"   - {b}" for b in item.bullets]
    lines.append(
        "Du er referent. Ret dagsordenen med `/referat dagsorden`, og notér afbud med `/referat afbud`."
    )
    return Reply("\n".join(lines))


def _entry_for_change(store: Store, meeting: Meeting, seq: int, sender: Sender, verb: str) -> Entry:
    entry = store.entry_by_seq(meeting.id, seq)
    if entry is None:
        raise Refusal(f"Der er intet indlæg nr. {seq} i mødet. Se numrene med `/referat status`.")
    if entry.kind is EntryKind.DISSENT and sender.user_id != entry.author_user_id:
        # A dissent is the member's own words in the record: not even the minute-taker changes it.
        raise Refusal(
            f"Nr. {seq} er <@{entry.author_user_id}>s protokollat; kun vedkommende selv kan {verb} det."
        )
    if sender.user_id not in (entry.author_user_id, meeting.starter_user_id):
        raise Refusal(
            f"Du kan kun {verb} dine egne indlæg. Nr. {seq} er skrevet af <@{entry.author_user_id}>; "
            "referenten kan også ændre det."
        )
    return entry


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
    return f"  #{e.seq}{kind}{who} {clip(render_mentions(e.text, people), 140)}{extra}{edited}"


def display_name(p: Participant) -> str:
    """`Formand Ida Holm (IH)`: title, name and the initials entries may use for them."""
    return with_initials(f"{p.title} {p.name}" if p.title else p.name, p.initials)
