"""What a `/referat` command can say: one frozen dataclass per subcommand, and their union `Command`.

Pure data: the parser (`bot.meeting.parse`) builds these and the rule book (`bot.rulebook.book`) names the handler that applies
them; both name a command through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeAlias

from storage.records import EntryKind


@dataclass(frozen=True)
class StartMeeting:
    title: str
    date: dt.date
    date_given: bool  # False when the date defaulted to today
    place: str | None
    time_of_day: str | None = None  # `kl. 14.00-16.00` when written after the date


@dataclass(frozen=True)
class AddParticipant:
    name: str | None  # as typed; None when only a Slack mention was given
    user_id: str | None
    title: str | None
    organisation: str | None
    initials: str | None = None  # `IH` from `Ida Holm (IH)`, never part of the name


@dataclass(frozen=True)
class AddAbsent:
    name: str | None
    user_id: str | None
    title: str | None
    organisation: str | None = None
    initials: str | None = None


@dataclass(frozen=True)
class AgendaItemSpec:
    number: int
    title: str
    bullets: tuple[str, ...] = ()
    background: tuple[str, ...] = ()  # paragraphs
    closed: bool = False  # `2. Personalesag (lukket)` or `Lukket punkt: Personalesag`


@dataclass(frozen=True)
class SetAgenda:
    items: tuple[AgendaItemSpec, ...]


@dataclass(frozen=True)
class LogEntry:
    item_number: int
    kind: EntryKind
    text: str  # statements and decisions exactly as typed (trimmed); actions without owner/deadline
    owner_user_id: str | None = None
    owner_name: str | None = None
    # The deadline's words as typed (`fredag`, `19/3`); read relative to the meeting's date by the
    # handler (`bot.text.deadlines`), which refuses words that are not a date.
    due_text: str | None = None
    public: bool = False  # `beslutning (offentlig):` on a closed item: shown in the public extract


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class EditEntry:
    seq: int
    text: str


@dataclass(frozen=True)
class DeleteEntry:
    seq: int


@dataclass(frozen=True)
class EditMeeting:
    """`ret møde <titel> | <dato> | <sted>`: the meeting's frame, read as `start` reads it."""

    meeting: StartMeeting


@dataclass(frozen=True)
class RemovePerson:
    name: str | None
    user_id: str | None


@dataclass(frozen=True)
class CancelMeeting:
    pass


@dataclass(frozen=True)
class MarkCommentHandled:
    number: int  # the comment's number in status (1 = the meeting's first comment)


@dataclass(frozen=True)
class ShowStatus:
    pass


@dataclass(frozen=True)
class CloseItem:
    """`lukket <n>` (closed=True) or `åben <n>` (closed=False)."""

    number: int
    closed: bool


@dataclass(frozen=True)
class HandOver:
    """`referent @bruger`: the minute-taker's role to another Slack user."""

    user_id: str


@dataclass(frozen=True)
class CompileDraft:
    pass


@dataclass(frozen=True)
class ShowHelp:
    topic: str | None  # a subcommand's Danish name when known, else the word as typed


@dataclass(frozen=True)
class SetApprovers:
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class Ask:
    question: str


@dataclass(frozen=True)
class Export:
    format: str | None  # "md", "txt", "docx" or "pdf"; None when not given (the exporter picks)


@dataclass(frozen=True)
class ExportAktindsigt:
    """`eksport aktindsigt <punkt> [format]`: one item's decisions and votes, for access to documents."""

    item_number: int
    format: str | None


@dataclass(frozen=True)
class ListActions:
    owner_user_id: str | None = None  # one person's actions; None: everyone's (or `mine`)
    mine: bool = False  # the sender's own actions
    include_done: bool = False  # `alle`: done actions too


@dataclass(frozen=True)
class MarkDone:
    number: int
    note: str | None = None


@dataclass(frozen=True)
class NextMeeting:
    date: dt.date | None  # None: today
    place: str | None  # None: the latest meeting's place
    time_of_day: str | None = None


@dataclass(frozen=True)
class ItemNote:
    """`protokollat`, `inhabil`, `fravær`: a dissent on an item, or who took no part in it;
    `ankommet`, `gået`: who took part from an item, or left during it."""

    kind: EntryKind  # DISSENT, CONFLICT, AWAY, ARRIVED or LEFT
    item_number: int
    text: str  # the dissent as typed; for inhabil and fravær the person as typed
    user_id: str | None = None  # inhabil/fravær: the person's mention
    name: str | None = None  # inhabil/fravær: the person's name as typed (without the mention)


@dataclass(frozen=True)
class VotePart:
    """One side of a vote as typed: a number, people (mentions or names), or everyone taking part."""

    count: int | None  # the number typed; None when only people were named
    user_ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # names as typed, to be found on the participant list
    everyone: bool = False  # `alle`: everyone who took part in the item

    @property
    def named(self) -> int:
        return len(self.user_ids) + len(self.names)


@dataclass(frozen=True)
class RecordVote:
    """`afstemning <n> <forslag> | for: … | imod: … | undlod: …`, with an outcome if stated."""

    item_number: int
    proposal: str
    in_favour: VotePart
    against: VotePart
    abstained: VotePart | None = None
    stated: str | None = None  # `vedtaget`, `forkastet`, `bortfaldt` when typed


@dataclass(frozen=True)
class AddAddition:
    text: str


Command: TypeAlias = (
    StartMeeting
    | AddAddition
    | ItemNote
    | RecordVote
    | AddParticipant
    | AddAbsent
    | SetAgenda
    | LogEntry
    | Undo
    | EditEntry
    | DeleteEntry
    | EditMeeting
    | RemovePerson
    | CancelMeeting
    | MarkCommentHandled
    | ShowStatus
    | CloseItem
    | HandOver
    | CompileDraft
    | ShowHelp
    | SetApprovers
    | Ask
    | Export
    | ExportAktindsigt
    | ListActions
    | MarkDone
    | NextMeeting
)
