"""Plain, frozen records that the store hands out and the pure bot modules consume.

They are the contract between storage and everything else: no SQL, no Slack, just the
domain (meeting, participant, agenda item, entry, draft, approval, comment, audit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

# The item number of opening remarks (`/referat ad 0 …`): they belong to no agenda item and are
# printed between `Referat:` and `Ad 1`.
OPENING_ITEM = 0


def utc_clock() -> dt.datetime:
    """The one clock: every timestamp in a record is an aware UTC datetime (tests inject their own)."""
    return dt.datetime.now(dt.UTC)


class EntryKind(StrEnum):
    STATEMENT = "statement"
    DECISION = "decision"
    ACTION = "action"
    DISSENT = "dissent"  # a participant's own dissent on the item, entered in the record (protokollat)
    CONFLICT = "conflict"  # the person (speaker_id) was inhabil and took no part in the item
    AWAY = "away"  # the person (speaker_id) was not present during the item
    VOTE = "vote"  # a vote on a proposal (the text); how it went is in `Entry.vote`
    ARRIVED = "arrived"  # the person (speaker_id) took part from this item on
    LEFT = "left"  # the person (speaker_id) left the meeting during this item


@dataclass(frozen=True)
class Vote:
    """How a vote went: the votes cast for, against, and abstentions, with the voters when named.

    A count given as a number has no voters; a count given as people is theirs (participant ids).
    `stated` is an outcome the minute-taker wrote (`vedtaget`, `forkastet`, `bortfaldt`), for the
    cases simple majority does not decide (a qualified majority, the chair's casting vote).
    """

    in_favour: int
    against: int
    abstained: int = 0
    in_favour_ids: tuple[int, ...] = ()
    against_ids: tuple[int, ...] = ()
    abstained_ids: tuple[int, ...] = ()
    stated: str | None = None

    @property
    def voter_ids(self) -> tuple[int, ...]:
        return (*self.in_favour_ids, *self.against_ids, *self.abstained_ids)


class MeetingStatus(StrEnum):
    OPEN = "open"  # being logged in Slack
    APPROVED = "approved"  # locked: the approved text is final
    IMPORTED = "imported"  # came from an existing document; approval status unknown
    CANCELLED = "cancelled"  # `/referat aflys`: kept in the archive, marked as cancelled


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str  # e.g. "Kredsrådsmøde i Holstebro Kommune" (meeting type and host)
    date: dt.date
    place: str | None
    status: MeetingStatus
    channel_id: str | None  # Slack channel the meeting was logged in; None when imported
    starter_user_id: str | None  # the minute-taker: the Slack user who started the meeting
    created_utc: dt.datetime
    time_of_day: str | None = None  # free text such as "kl. 14.00-16.00", only when given
    opening: str | None = None  # a sentence after "Referat:" that belongs to no agenda item
    source_name: str | None = None  # file name of an imported document
    content_hash: str | None = None  # sha256 of an imported document, for idempotent import
    approved_utc: dt.datetime | None = None
    team_id: str | None = None  # the Slack workspace the meeting belongs to
    enterprise_id: str | None = None  # its Enterprise Grid organisation, where there is one


@dataclass(frozen=True)
class Participant:
    id: int
    meeting_id: int
    name: str
    title: str | None
    organisation: str | None  # "kommunen", "politiet", ... ; None when not grouped
    absent: bool  # True for "Afbud"
    slack_user_id: str | None = None
    role: str | None = None  # "referent", "formand"
    initials: str | None = None
    position: int = 0


@dataclass(frozen=True)
class AgendaItem:
    id: int
    meeting_id: int
    number: int
    title: str
    bullets: tuple[str, ...] = ()
    background: tuple[str, ...] = ()  # paragraphs of background text
    closed: bool = False  # treated behind closed doors (lukket punkt)


@dataclass(frozen=True)
class Entry:
    """One logged line of the referat: a statement, a decision or an action item."""

    id: int
    meeting_id: int
    seq: int  # the number users see in confirmations and in status; unique per meeting
    item_number: int
    kind: EntryKind
    text: str  # exactly as logged; never rewritten
    author_user_id: str | None  # who typed it (None when imported)
    speaker_id: int | None = None  # participant id of the (first) speaker, when known
    owner: str | None = None  # action items: who is responsible (display name)
    owner_user_id: str | None = None
    due: dt.date | None = None
    # True when `text` already carries its attribution ("Politidirektør X orienterede ...")
    # so the renderer must not put a speaker in front (imported sentences).
    attributed: bool = False
    created_utc: dt.datetime | None = None
    edited_utc: dt.datetime | None = None
    deleted_utc: dt.datetime | None = None
    public: bool = False  # a decision on a closed item that the public extract shows
    # Every speaker, in the order the text names them (`Claus Hilborg og Frederik Sundtoft …`);
    # `speaker_id` is the first of them.
    speaker_ids: tuple[int, ...] = ()
    # Slack users the text mentions who are not participants, with the name Slack gave: (id, name).
    mentioned: tuple[tuple[str, str], ...] = ()
    vote: Vote | None = None  # a VOTE entry: how it went


@dataclass(frozen=True)
class Draft:
    """One posted version of the referat, with the exact text that approvers see."""

    id: int
    meeting_id: int
    version: int
    text: str
    text_sha256: str
    created_utc: dt.datetime
    channel_id: str | None = None
    message_ts: str | None = None  # the top message of the thread
    thread_ts: str | None = None
    # The approver set frozen when this version was posted; None for versions from before m020.
    approvers: tuple[str, ...] | None = None
    public_text: str | None = None  # the public extract, when the meeting has closed items

    @property
    def channel_text(self) -> str:
        """What the channel may see of this version: the extract when there is one."""
        return self.public_text or self.text


@dataclass(frozen=True)
class MeetingAccess:
    """What deciding who may read a meeting needs from the store, and nothing more."""

    meeting_id: int
    channel_id: str | None
    team_id: str | None
    enterprise_id: str | None
    minute_taker: str | None
    participants: frozenset[str]  # Slack user ids of linked participants (present or absent)
    closed_items: frozenset[int]


@dataclass(frozen=True)
class Approval:
    draft_id: int
    user_id: str
    approved_utc: dt.datetime
    reservation: str | None = None  # "godkendt med forbehold: <tekst>": an approval with a reservation


@dataclass(frozen=True)
class Addition:
    """A dated addition to an approved referat; the approved text is never changed by it."""

    id: int
    meeting_id: int
    text: str
    text_sha256: str
    author_user_id: str | None
    created_utc: dt.datetime
    approved_utc: dt.datetime | None = None
    paragraph: str | None = None  # once approved: `Tilføjelse <dato>, godkendt <dato> af …: <tekst>`


@dataclass(frozen=True)
class Comment:
    id: int
    meeting_id: int
    draft_version: int
    user_id: str
    text: str
    ts: str | None
    created_utc: dt.datetime
    handled_utc: dt.datetime | None = None  # marked handled by the minute-taker; None while open


@dataclass(frozen=True)
class AuditRecord:
    id: int
    meeting_id: int
    entry_id: int | None
    user_id: str | None
    action: str  # "add", "edit", "delete", "undo", ...
    before: str | None
    after: str | None
    at_utc: dt.datetime


@dataclass(frozen=True)
class Action:
    """An action item logged in Slack, as followed up between meetings.

    `number` is global (not per meeting), so `/referat udført <nr>` names one action wherever it is
    typed. Being done belongs here, not to the entry: the referat records what was agreed.
    """

    number: int
    entry: Entry
    meeting: Meeting
    done_utc: dt.datetime | None = None
    done_by: str | None = None  # Slack user id of who marked it done
    done_note: str | None = None

    @property
    def done(self) -> bool:
        return self.done_utc is not None


@dataclass(frozen=True)
class Reminder:
    """A direct message scheduled in Slack to remind an action's owner."""

    id: int
    action_number: int
    kind: str  # "before" or "morning"
    post_at: dt.datetime
    user_id: str
    channel_id: str
    text: str
    scheduled_message_id: str


@dataclass(frozen=True)
class MeetingDocument:
    """Everything needed to render a referat: a meeting with its people, agenda and live entries."""

    meeting: Meeting
    participants: tuple[Participant, ...]
    agenda: tuple[AgendaItem, ...]
    entries: tuple[Entry, ...]  # live (not deleted) entries in logged order
    approvals: tuple[tuple[str, dt.datetime], ...] = field(default=())  # (name, when) once approved


@dataclass(frozen=True)
class ApprovedReferat:
    """The final text of an approved meeting, and the exact draft the approvers approved."""

    meeting_id: int
    draft_id: int
    draft_sha256: str  # the approved draft's text hash, as it stood when approved
    text: str  # the final referat: the approved draft with the approval line instead of the marker
    text_sha256: str
    approved_utc: dt.datetime
    approval_line: str | None  # the closing "Godkendt … af …" line of `text`, as written
    entries: tuple[Entry, ...]  # the entries as the approved version showed them
    # When it was posted in Slack (None while still to do): bookkeeping, not part of the referat, so
    # two reads of one approved referat compare equal before and after it reached Slack.
    posted_utc: dt.datetime | None = field(default=None, compare=False)
