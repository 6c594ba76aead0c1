"""Who may read which meeting and which agenda item: the one place that decides.

Every read of the archive for a person goes through here: answers to questions (hits, counts,
suggested words, related items, permalinks), `status`, `eksport`, **Hent som fil** and App Home.
The rules follow Slack's own idea of who sees a channel, and are decided per conversation, never
per meeting: every meeting of a conversation is read by the same people, so an answer's scope is
the few conversations of the archive its reader may read (storage filters by them in SQL).

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
Web API, a few calls per reader however many channels the archive spans; tests and the console use
the stand-in behind the same client). `ScopeCache` keeps each audience's readable conversations
until Slack's facts may have changed (a membership event, their time to live) or the archive's
conversations have (a new meeting, an import).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from storage.records import MeetingAccess
from storage.search import ChannelKey, Scope
from storage.store import Store

# Long enough that one question, and the next few, reuse what was decided; as long as Slack's
# facts are kept (bot/slack/membership.py), so a change Slack sends no event for is seen as soon.
SCOPE_TTL_SECONDS = 60.0


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


class Directory(Protocol):
    """Slack's facts; None wherever Slack cannot say.

    `workspace`: the one workspace whose facts these are, when the bot serves many; None when it
    serves one (its facts then cover every meeting it holds).
    """

    workspace: str | None

    def person(self, user_id: str) -> Person | None: ...

    def members(self, channel_id: str) -> frozenset[str] | None:
        """Who is in a conversation (conversations.members)."""
        ...

    def channels_of(self, user_id: str) -> frozenset[str] | None:
        """The conversations a person is in that the bot may see (users.conversations)."""
        ...

    def public_channels(self) -> frozenset[str] | None:
        """The workspace's public channels (conversations.list)."""
        ...


@dataclass(frozen=True)
class Privately:
    """An answer only the asker reads: a DM with the bot, an ephemeral message, the asker's App Home."""

    user_id: str


@dataclass(frozen=True)
class InChannel:
    """An answer posted where every member of `channel_id` reads it (a thread reply, a file)."""

    channel_id: str


Audience = Privately | InChannel


def in_workspace(key: ChannelKey, directory: Directory) -> bool:
    """Whether the directory's facts can speak for a conversation: another workspace's never do."""
    return directory.workspace is None or key[0] in (None, directory.workspace)


def reads_channel(person: Person | None, key: ChannelKey, directory: Directory) -> bool:
    """Whether the person may read the open parts of the meetings of conversation `key`."""
    team_id, channel_id = key
    if person is None or not in_workspace(key, directory):
        return False
    if channel_id is None:
        # Imported without a channel: like a public channel of its workspace.
        return person.full_member_of(team_id)
    if channel_id in (directory.channels_of(person.user_id) or ()):
        return True
    return person.full_member_of(team_id) and channel_id in (directory.public_channels() or ())


def channel_reads_channel(channel_id: str, key: ChannelKey, directory: Directory) -> bool:
    """Whether every member of `channel_id` may read the open parts of conversation `key`'s meetings."""
    team_id, home = key
    if not in_workspace(key, directory):
        return False
    if home == channel_id:
        return True  # its own members read it, by definition
    if home is not None and home not in (directory.public_channels() or ()):
        return False
    members = directory.members(channel_id)
    if members is None:
        return False
    people = [directory.person(user) for user in members]
    people = [p for p in people if p is None or not p.bot]  # bots read nothing
    return bool(people) and all(p is not None and p.full_member_of(team_id) for p in people)


def _key(meeting: MeetingAccess) -> ChannelKey:
    return (meeting.team_id, meeting.channel_id)


def may_read(person: Person | None, meeting: MeetingAccess, directory: Directory) -> bool:
    """Whether the person may read the meeting's open parts."""
    return reads_channel(person, _key(meeting), directory)


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


def readable_channels(
    audience: Audience, channels: Iterable[ChannelKey], directory: Directory
) -> frozenset[ChannelKey]:
    """Which of the archive's conversations an answer for `audience` may draw on."""
    match audience:
        case Privately(user_id=user_id):
            person = directory.person(user_id)
            return frozenset(key for key in channels if reads_channel(person, key, directory))
        case InChannel(channel_id=channel_id):
            return frozenset(key for key in channels if channel_reads_channel(channel_id, key, directory))


class ScopeCache:
    """Each audience's readable conversations, kept `ttl` seconds while the archive's are the same.

    A membership event calls `forget()`: who is in which channel may have changed. A new meeting
    or an import may add a conversation to the archive: the archive's conversations are part of
    the key, so the next question decides again (with Slack's facts, which stay cached).
    """

    def __init__(self, ttl: float = SCOPE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._kept: dict[
            tuple[str | None, Audience, frozenset[ChannelKey]], tuple[float, frozenset[ChannelKey]]
        ] = {}
        self._lock = threading.Lock()

    def readable(
        self,
        workspace: str | None,
        audience: Audience,
        channels: frozenset[ChannelKey],
        decide: Callable[[], frozenset[ChannelKey]],
    ) -> frozenset[ChannelKey]:
        """`audience`'s readable conversations (ids name a user or channel only within `workspace`)."""
        now = self.clock()
        key = (workspace, audience, channels)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        readable = decide()
        with self._lock:
            if len(self._kept) > 10_000:  # audiences come and go: keep memory bounded
                self._kept.clear()
            self._kept[key] = (now + self.ttl, readable)
        return readable

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


def reader_scope(
    store: Store, audience: Audience, directory: Directory, cache: ScopeCache | None = None
) -> Scope:
    """What an answer for `audience` may draw on: readable conversations, minus hidden closed items."""
    channels = store.archive.archive_channels()

    def decide() -> frozenset[ChannelKey]:
        return readable_channels(audience, channels, directory)

    readable = (
        cache.readable(directory.workspace, audience, channels, decide) if cache is not None else decide()
    )
    reader = audience.user_id if isinstance(audience, Privately) else None
    return Scope(
        channels=readable,
        hidden_items=store.archive.closed_items(reader),
    )


def shows_more(scope: Scope, than: Scope) -> bool:
    """Whether an answer within `scope` may hold something one within `than` may not."""
    if than.channels is not None and (scope.channels is None or not scope.channels <= than.channels):
        return True
    return not scope.hidden_items >= than.hidden_items


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
            if not channel_reads_channel(channel_id, _key(meeting), directory):
                return None
            return Edition(full=not meeting.closed_items)
