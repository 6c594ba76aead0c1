"""Who may read which meeting and which agenda item: the one place that decides.

Every read of the archive for a person goes through here: answers to questions (hits, counts,
suggested words, related items, permalinks), `status`, `eksport`, **Hent som fil** and App Home.
The rules follow Slack's own idea of who sees a channel:

- A meeting belongs to the conversation it was started in and to its workspace (team id).
- A person may read it when they are a member of that conversation, or when the conversation is
  public and they are a full member of the meeting's workspace: not a guest
  (`is_restricted`/`is_ultra_restricted`), not a user of another organisation (Slack Connect).
  Direct messages and group DMs: their members only.
- An imported meeting without a channel is readable like a public channel's meeting.
- When Slack cannot say (the bot is not in the channel, an error), the meeting is not readable.
- Closed agenda items (lukkede punkter): only the meeting's linked participants and its
  minute-taker, and only privately (a DM or an ephemeral answer).
- Where an answer is posted decides what it may hold: privately, what the asker may read; in a
  channel, only what every member of that channel may read — the channel's own meetings, and
  public meetings only when the channel has no guests and no members from another workspace.

The rules are pure; Slack's facts come in through a `Directory` (bot/slack/membership.py asks the
Web API; tests and the console use the stand-in behind the same client). Storage filters by the
`Scope` computed here (storage/search.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from storage.records import MeetingAccess
from storage.search import Scope
from storage.store import Store


class Kind(StrEnum):
    PUBLIC = "public"  # a public channel
    PRIVATE = "private"  # a private channel
    IM = "im"  # a direct message
    MPIM = "mpim"  # a group DM


@dataclass(frozen=True)
class Person:
    """A Slack user as Slack describes them."""

    user_id: str
    team_id: str | None
    enterprise_id: str | None = None
    guest: bool = False  # is_restricted or is_ultra_restricted
    bot: bool = False  # an app's bot user (the referat bot itself is a member of its channels)

    def full_member_of(self, team_id: str | None) -> bool:
        """A full (non-guest) member of that workspace: not a guest, not from another organisation."""
        return not self.guest and team_id is not None and self.team_id == team_id


@dataclass(frozen=True)
class Conversation:
    """A channel, DM or group DM with its members, as Slack describes it."""

    channel_id: str
    kind: Kind
    members: frozenset[str]


class Directory(Protocol):
    """Slack's facts; None wherever Slack cannot say.

    `workspace`: the one workspace whose facts these are, when the bot serves many; None when it
    serves one (its facts then cover every meeting it holds).
    """

    workspace: str | None

    def person(self, user_id: str) -> Person | None: ...

    def conversation(self, channel_id: str) -> Conversation | None: ...


@dataclass(frozen=True)
class Privately:
    """An answer only the asker reads: a DM with the bot, an ephemeral message, the asker's App Home."""

    user_id: str


@dataclass(frozen=True)
class InChannel:
    """An answer posted where every member of `channel_id` reads it (a thread reply, a file)."""

    channel_id: str


Audience = Privately | InChannel


def may_read(person: Person | None, meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether the person may read the meeting's open parts."""
    if person is None or not in_workspace(meeting, directory):
        return False
    if meeting.channel_id is None:
        # Imported without a channel: like a public channel of its workspace.
        return person.full_member_of(meeting.team_id)
    conversation = directory.conversation(meeting.channel_id)
    if conversation is None:
        return False
    if person.user_id in conversation.members:
        return True
    return conversation.kind is Kind.PUBLIC and person.full_member_of(meeting.team_id)


def in_workspace(meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether the directory's facts can speak for the meeting: another workspace's never do."""
    return directory.workspace is None or meeting.team_id in (None, directory.workspace)


def sees_closed_items(user_id: str, meeting: MeetingAccess) -> bool:
    """Whether the person was at the meeting as a linked participant or is its minute-taker.

    Alone this is not enough: they must also may_read the meeting, and be answered privately.
    """
    return user_id == meeting.minute_taker or user_id in meeting.participants


def may_read_closed(person: Person | None, meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether the person may read the meeting's closed items when answered privately."""
    if person is None or not may_read(person, meeting, directory):
        return False
    return sees_closed_items(person.user_id, meeting)


def may_act(user_id: str, meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether a person may act on a meeting at all (approve, comment, fetch its draft)."""
    return may_read(directory.person(user_id), meeting, directory)


def channel_may_read(channel: Conversation, meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether every member of `channel` may read the meeting's open parts."""
    if not in_workspace(meeting, directory):
        return False
    if meeting.channel_id == channel.channel_id:
        return True
    if meeting.channel_id is not None:
        home = directory.conversation(meeting.channel_id)
        if home is None or home.kind is not Kind.PUBLIC:
            return False
    members = [directory.person(user) for user in channel.members]
    people = [p for p in members if p is None or not p.bot]  # bots read nothing
    return bool(people) and all(p is not None and p.full_member_of(meeting.team_id) for p in people)


def scope_for(audience: Audience, meetings: Iterable[MeetingAccess], directory: Directory) -> Scope:
    """The meetings and items an answer for `audience` may draw on."""
    readable: set[int] = set()
    hidden: set[tuple[int, int]] = set()
    match audience:
        case Privately(user_id=user_id):
            person = directory.person(user_id)
            for meeting in meetings:
                if not may_read(person, meeting, directory):
                    continue
                readable.add(meeting.meeting_id)
                if meeting.closed_items and not may_read_closed(person, meeting, directory):
                    hidden |= {(meeting.meeting_id, n) for n in meeting.closed_items}
        case InChannel(channel_id=channel_id):
            channel = directory.conversation(channel_id)
            for meeting in meetings:
                own = meeting.channel_id == channel_id and in_workspace(meeting, directory)
                if own or (channel is not None and channel_may_read(channel, meeting, directory)):
                    readable.add(meeting.meeting_id)
                    hidden |= {(meeting.meeting_id, n) for n in meeting.closed_items}
    return Scope(meetings=frozenset(readable), hidden_items=frozenset(hidden))


def reader_scope(store: Store, audience: Audience, directory: Directory) -> Scope:
    """`scope_for` over every meeting in the store."""
    return scope_for(audience, store.access_facts(), directory)


def meeting_facts(store: Store, meeting_id: int) -> MeetingAccess | None:
    """The access facts of one meeting."""
    return next(iter(store.access_facts(meeting_id)), None)


@dataclass(frozen=True)
class Edition:
    """Which edition of a referat a reader gets: the full protocol, or the public extract."""

    full: bool


def edition_for(audience: Audience, meeting: MeetingAccess, directory: Directory) -> Edition | None:
    """The edition `audience` may receive of the meeting; None when it may read none of it."""
    match audience:
        case Privately(user_id=user_id):
            person = directory.person(user_id)
            if not may_read(person, meeting, directory):
                return None
            return Edition(full=not meeting.closed_items or may_read_closed(person, meeting, directory))
        case InChannel(channel_id=channel_id):
            if meeting.channel_id != channel_id:  # its own channel's members may read it, by definition
                channel = directory.conversation(channel_id)
                if channel is None or not channel_may_read(channel, meeting, directory):
                    return None
            return Edition(full=not meeting.closed_items)
