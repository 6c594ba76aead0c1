"""Slack's answer to "who is this, which channels are they in, which channels are public?".

bot/archive/access.py decides who may read what per conversation, from facts it gets through a
`Directory`; this is the Directory that asks Slack. However many channels the archive spans, one
reader costs a few calls: `users.info` (workspace, guest flags) and `users.conversations` (the
conversations they are in, as far as the bot may see) for a person; `conversations.list` (the
public channels, shared by every reader); `conversations.members` only for the channel a thread
answer is posted in. Answers are kept briefly; `member_joined_channel` and `member_left_channel`
drop what they touch at once (`MembershipCache.changed`), in every process serving the file
(storage/membership.py), so someone removed from the board channel loses its minutes with the next
question, not a minute later. When Slack cannot say (the
bot is not in the channel, an error), the answer is None and the rules read nothing from it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive.access import Person

log = logging.getLogger(__name__)

# Long enough that one question, and the next few, reuse the answers; short enough that a
# change Slack sends no event for (a guest promoted to full member) is seen within a minute.
TTL_SECONDS = 60.0
PAGE_SIZE = 1000  # the largest page Slack serves for these lists
MAX_PAGES = 100  # 100,000 channels or members: far beyond any workspace this serves

T = TypeVar("T")


class MembershipCache:
    """Slack's facts about people, conversations and memberships, each kept for `ttl` seconds."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._people: dict[str, tuple[float, Person | None]] = {}
        self._members: dict[str, tuple[float, frozenset[str] | None]] = {}
        self._channels_of: dict[str, tuple[float, frozenset[str] | None]] = {}
        self._public: dict[str, tuple[float, frozenset[str] | None]] = {}
        self._lock = threading.Lock()

    def changed(self, channel_id: str, user_id: str, workspace: str | None = None) -> None:
        """Someone joined or left a channel: its members, their channels and the list (a channel
        the bot itself joined or left appears or disappears from it) are asked again."""
        with self._lock:
            self._members.pop(_key(workspace, channel_id), None)
            self._channels_of.pop(_key(workspace, user_id), None)
            self._public.pop(_key(workspace, ""), None)

    def forget_all(self) -> None:
        """Everything kept is asked again (changes were missed: see storage.membership)."""
        with self._lock:
            for table in (self._people, self._members, self._channels_of, self._public):
                table.clear()

    def forget_person(self, user_id: str, workspace: str | None = None) -> None:
        with self._lock:
            self._people.pop(_key(workspace, user_id), None)
            self._channels_of.pop(_key(workspace, user_id), None)

    def person(self, user_id: str, load: Callable[[], tuple[Person | None, bool]]) -> Person | None:
        """The kept answer about a person, or `load()`'s (kept when its flag says so)."""
        return self._get(self._people, user_id, load)

    def members(
        self, channel_id: str, load: Callable[[], tuple[frozenset[str] | None, bool]]
    ) -> frozenset[str] | None:
        return self._get(self._members, channel_id, load)

    def channels_of(
        self, user_id: str, load: Callable[[], tuple[frozenset[str] | None, bool]]
    ) -> frozenset[str] | None:
        return self._get(self._channels_of, user_id, load)

    def public_channels(
        self, workspace: str, load: Callable[[], tuple[frozenset[str] | None, bool]]
    ) -> frozenset[str] | None:
        """The public channels of one workspace (its token's)."""
        return self._get(self._public, workspace, load)

    def _get(self, table: dict[str, tuple[float, T]], key: str, load: Callable[[], tuple[T, bool]]) -> T:
        now = self.clock()
        with self._lock:
            kept = table.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value, keep = load()
        if keep:
            with self._lock:
                table[key] = (now + self.ttl, value)
        return value


def _key(workspace: str | None, slack_id: str) -> str:
    """Slack's ids are unique within a workspace: with many workspaces, kept answers are kept apart."""
    return f"{workspace}:{slack_id}" if workspace else slack_id


class SlackDirectory:
    """The access rules' `Directory`, answered by the Slack Web API through `client`.

    `workspace`: serving many workspaces, the one `client`'s token belongs to; its answers describe
    that workspace only, so it never vouches for a meeting of another (access.in_workspace).
    `hear`: called once, before the cache is first read, to apply the membership changes other
    processes recorded (bot/slack/context.py); a command that asks nothing of Slack reads nothing.
    """

    def __init__(
        self,
        client: WebClient,
        cache: MembershipCache,
        workspace: str | None = None,
        bot_user_id: str | None = None,
        hear: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.cache = cache
        self.workspace = workspace
        self.bot_user_id = bot_user_id
        self._hear = hear

    def _heard(self) -> MembershipCache:
        if self._hear is not None:
            hear, self._hear = self._hear, None
            hear()
        return self.cache

    def person(self, user_id: str) -> Person | None:
        if user_id == self.bot_user_id:
            return Person(user_id=user_id, team_id=None, bot=True)  # itself: no need to ask
        return self._heard().person(_key(self.workspace, user_id), lambda: self._load_person(user_id))

    def members(self, channel_id: str) -> frozenset[str] | None:
        return self._heard().members(_key(self.workspace, channel_id), lambda: self._load_members(channel_id))

    def channels_of(self, user_id: str) -> frozenset[str] | None:
        return self._heard().channels_of(
            _key(self.workspace, user_id), lambda: self._load_channels_of(user_id)
        )

    def public_channels(self) -> frozenset[str] | None:
        return self._heard().public_channels(_key(self.workspace, ""), self._load_public)

    def _load_person(self, user_id: str) -> tuple[Person | None, bool]:
        try:
            user: dict[str, Any] = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as error:
            error_code = error.response.get("error")
            log.warning("users.info %s: %s", user_id, error_code)
            # A user Slack does not know stays unknown; a passing failure is asked again.
            return None, error_code == "user_not_found"
        if not user:
            return None, False
        enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
        return (
            Person(
                user_id=user_id,
                team_id=user.get("team_id"),
                enterprise_id=enterprise,
                guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
                bot=bool(user.get("is_bot")),
            ),
            True,
        )

    def _load_members(self, channel_id: str) -> tuple[frozenset[str] | None, bool]:
        return self._listed(
            f"conversations.members {channel_id}",
            lambda cursor: self.client.conversations_members(
                channel=channel_id, cursor=cursor, limit=PAGE_SIZE
            ),
            lambda page: (str(m) for m in page.get("members") or ()),
        )

    def _load_channels_of(self, user_id: str) -> tuple[frozenset[str] | None, bool]:
        # Private channels come back only where the bot is a member too: what the bot cannot see,
        # the rules never read from.
        return self._listed(
            f"users.conversations {user_id}",
            lambda cursor: self.client.users_conversations(
                user=user_id, types="public_channel,private_channel,mpim,im", cursor=cursor, limit=PAGE_SIZE
            ),
            lambda page: (str(c.get("id")) for c in page.get("channels") or ()),
        )

    def _load_public(self) -> tuple[frozenset[str] | None, bool]:
        return self._listed(
            "conversations.list",
            lambda cursor: self.client.conversations_list(
                types="public_channel", cursor=cursor, limit=PAGE_SIZE
            ),
            lambda page: (str(c.get("id")) for c in page.get("channels") or () if not c.get("is_private")),
        )

    @staticmethod
    def _listed(
        what: str, fetch: Callable[[str | None], Any], items: Callable[[Any], Iterator[str]]
    ) -> tuple[frozenset[str] | None, bool]:
        """Every page of a Slack list; None (not kept, so asked again) when Slack cannot say."""
        found: set[str] = set()
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = fetch(cursor)
                found.update(items(page))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("%s: %s", what, error.response.get("error"))
            return None, False
        return frozenset(found), True
