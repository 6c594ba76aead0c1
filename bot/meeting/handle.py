"""Apply a parsed `/referat` command to the store and say what happened, without Slack.

Listeners (Slack) and the console call `handle_command`; it checks everything that needs the
meeting (open meeting, known agenda item, permissions, the approval lock), writes through the
store, and returns the short Danish reply. Whatever it refuses, it refuses before writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.approval import service as approval
from bot.archive import access
from bot.meeting import parse as c
from bot.meeting.speakers import resolve_speakers
from bot.referat.compile import CLOSED_DOORS
from bot.text.dates import TZ, DateError, format_long_da
from bot.text.deadlines import read_deadline
from bot.text.people import MENTION_RE, Person, people_of, render_mentions
from storage.records import OPENING_ITEM, Entry, EntryKind, Meeting, MeetingStatus, Participant
from storage.store import Store, StoreError

NO_MEETING = (
    "Der er intet møde i gang i denne kanal. Start et med "
    "`/referat start <titel> | <dato> | <sted>`, fx `/referat start Kredsrådsmøde i Holstebro Kommune | "
    "19. marts 2024 | rådhuset i Holstebro`."
)

KIND_LABEL = {
    EntryKind.STATEMENT: "Indlæg",
    EntryKind.DECISION: "Beslutning",
    EntryKind.ACTION: "Opgave",
}


class Refusal(Exception):
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


Outcome = Reply | DraftRequested | QuestionAsked | ApproversRequested | ExportRequested


def handle_command(store: Store, command: c.Command, sender: Sender) -> Outcome:
    """Carry out one command; raises Refusal (or StoreError) with the user's message when refused."""
    match command:
        case c.ShowHelp(topic=topic):
            return Reply(c.help_text(topic))
        case c.StartMeeting():
            return _start(store, command, sender)
        case c.Ask(question=question):
            return QuestionAsked(question)

    meeting = store.current_meeting(sender.channel_id)
    if meeting is None:
        raise Refusal(NO_MEETING)

    match command:
        case c.ShowStatus():
            return Reply(status_text(store, meeting, sender))
        case c.CompileDraft():
            return DraftRequested(meeting)
        case c.Export(format=fmt):
            return ExportRequested(meeting, fmt)

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
        case c.Undo():
            last = store.last_entry_by(meeting.id, sender.user_id)
            if last is None:
                raise Refusal("Du har ingen indlæg i dette møde at fortryde.")
            store.delete_entry(meeting.id, last.seq, user_id=sender.user_id, now=sender.now, action="undo")
            return Reply(f"Fortrudt: nr. {last.seq} (Ad {last.item_number}): «{_clip(last.text)}»")
        case c.EditEntry(seq=seq, text=text):
            return _edit(store, meeting, seq, text, sender)
        case c.DeleteEntry(seq=seq):
            entry = _entry_for_change(store, meeting, seq, sender, "slette")
            store.delete_entry(meeting.id, seq, user_id=sender.user_id, now=sender.now)
            return Reply(f"Nr. {seq} er slettet: «{_clip(entry.text)}»")
        case c.SetApprovers(user_ids=user_ids):
            require_minute_taker(meeting, sender, "ændre godkenderne")
            return ApproversRequested(meeting, tuple(user_ids))
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


def refuse_if_approved(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.APPROVED:
        when = meeting.approved_utc.astimezone(TZ) if meeting.approved_utc else None
        at = f" {format_long_da(when.date())} kl. {when:%H.%M}" if when else ""
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
    due: dt.date | None


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
    owner = command.owner_name
    if command.owner_user_id:
        linked = next(
            (p for p in participants if p.slack_user_id == command.owner_user_id and not p.absent), None
        )
        owner = linked.name if linked else (owner or sender.user_name(command.owner_user_id))
    return _ReadEntry(command, speakers, owner, due)


def _mentioned(store: Store, meeting: Meeting, text: str, sender: Sender) -> dict[str, str]:
    """Names of the Slack users `text` mentions who are not participants, kept with the entry."""
    linked = {p.slack_user_id for p in store.participants(meeting.id) if p.slack_user_id}
    names: dict[str, str] = {}
    for m in MENTION_RE.finditer(text):
        uid = m["uid"]
        if uid in linked or uid in names:
            continue
        name = sender.user_name(uid) or (m["label"] or "").strip()
        if name:
            names[uid] = name
    return names


def _log(store: Store, meeting: Meeting, command: c.LogEntry, sender: Sender) -> Reply:
    if command.item_number == OPENING_ITEM:
        heading = "de indledende bemærkninger"
    else:
        agenda = store.agenda(meeting.id)
        if not agenda:
            raise Refusal(
                "Mødet har ingen dagsorden endnu. Sæt den med `/referat dagsorden` efterfulgt af punkterne, "
                "fx `1. Orientering fra politiet`."
            )
        item = next((a for a in agenda if a.number == command.item_number), None)
        if item is None:
            raise Refusal(c.unknown_item_message(command.item_number, [(a.number, a.title) for a in agenda]))
        heading = f"Ad {item.number} – {item.title}"
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
        owner_user_id=command.owner_user_id,
        due=read.due,
        mentioned=_mentioned(store, meeting, command.text, sender),
        public=command.public,
    )
    return Reply(f"Nr. {entry.seq} gemt under {heading}: {_describe(entry, read)}: «{_clip(entry.text)}»")


def _describe(entry: Entry, read: _ReadEntry) -> str:
    """`Indlæg – Politidirektør Helle Kyndesen` / `Opgave (ansvarlig: …) (frist: …)` for a confirmation."""
    who = f" – {and_list([display_name(p) for p in read.speakers])}" if read.speakers else ""
    extra = ""
    if entry.kind is EntryKind.ACTION:
        parts = [
            f"ansvarlig: {read.owner}" if read.owner else "",
            f"frist: {format_long_da(read.due)}" if read.due else "",
        ]
        extra = "".join(f" ({p})" for p in parts if p)
    if entry.public:
        extra += " (offentlig)"
    return f"{KIND_LABEL[entry.kind]}{who}{extra}"


def _edit(store: Store, meeting: Meeting, seq: int, text: str, sender: Sender) -> Reply:
    """`ret <nr>`: the new text is read as a new entry would be: kind, speakers, owner, deadline."""
    entry = _entry_for_change(store, meeting, seq, sender, "rette")
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
        owner_user_id=command.owner_user_id,
        due=read.due,
        mentioned=_mentioned(store, meeting, command.text, sender),
    )
    return Reply(
        f"Nr. {seq} er rettet: {_describe(edited, read)}. Før: «{_clip(entry.text)}» Nu: «{_clip(edited.text)}»"
    )


def and_list(items: list[str]) -> str:
    """`a, b og c`: a Danish list."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _entry_for_change(store: Store, meeting: Meeting, seq: int, sender: Sender, verb: str) -> Entry:
    entry = store.entry_by_seq(meeting.id, seq)
    if entry is None:
        raise Refusal(f"Der er intet indlæg nr. {seq} i mødet. Se numrene med `/referat status`.")
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
    }[meeting.status]
    lines = [f"*{meeting.title}* – {format_long_da(meeting.date)} ({state})"]
    if meeting.place:
        lines.append(f"Sted: {meeting.place}")
    if meeting.starter_user_id:
        lines.append(f"Referent: <@{meeting.starter_user_id}>")
    present = [display_name(p) for p in participants if not p.absent]
    absent = [display_name(p) for p in participants if p.absent]
    lines.append("Deltagere: " + (", ".join(present) if present else "ingen endnu"))
    if absent:
        lines.append("Afbud: " + ", ".join(absent))
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
    return f"  #{e.seq}{kind}{who} {_clip(render_mentions(e.text, people), 140)}{extra}{edited}"


def display_name(p: Participant) -> str:
    return f"{p.title} {p.name}" if p.title else p.name


def _clip(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["Refusal", "StoreError", "handle_command"]
