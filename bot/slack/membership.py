"""Slack's answer to "who is this, and who is in that channel?", for the access rules.

bot/archive/access.py decides who may read what from facts it gets through a `Directory`; this is
the Directory that asks Slack: `users.info` (workspace, guest flags), `conversations.info` (public,
private, DM, group DM) and `conversations.members`. Answers are kept briefly, because a question
may touch every channel that ever held a meeting; `member_joined_channel` and
`member_left_channel` drop a channel at once, so someone removed from the board channel loses its
minutes with the next question, not a minute later. When Slack cannot say (the bot is not in the
channel, an error), the answer is None and the rules treat the meeting as unreadable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive.access import Conversation, Kind, Person

log = logging.getLogger(__name__)

# Long enough that one question, and the next few, reuse the answers; short enough that a
# change Slack sends no event for (a guest promoted to full member) is seen within a minute.
TTL_SECONDS = 60.0

T = TypeVar("T")


class MembershipCache:
    """Slack's facts about people and conversations, each kept for `ttl` seconds."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._people: dict[str, tuple[float, Person | None]] = {}
        self._conversations: dict[str, tuple[float, Conversation | None]] = {}
        self._lock = threading.Lock()

    def forget_conversation(self, channel_id: str, workspace: str | None = None) -> None:
        with self._lock:
            self._conversations.pop(_key(workspace, channel_id), None)

    def forget_person(self, user_id: str, workspace: str | None = None) -> None:
        with self._lock:
            self._people.pop(_key(workspace, user_id), None)

    def person(self, user_id: str, load: Callable[[], tuple[Person | None, bool]]) -> Person | None:
        """The kept answer about a person, or `load()`'s (kept when its flag says so)."""
        return self._get(self._people, user_id, load)

    def conversation(
        self, channel_id: str, load: Callable[[], tuple[Conversation | None, bool]]
    ) -> Conversation | None:
        return self._get(self._conversations, channel_id, load)

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
    that workspace only, so it never vouches for a meeting of another (access.may_read).
    """

    def __init__(self, client: WebClient, cache: MembershipCache, workspace: str | None = None) -> None:
        self.client = client
        self.cache = cache
        self.workspace = workspace

    def person(self, user_id: str) -> Person | None:
        return self.cache.person(_key(self.workspace, user_id), lambda: self._load_person(user_id))

    def conversation(self, channel_id: str) -> Conversation | None:
        return self.cache.conversation(
            _key(self.workspace, channel_id), lambda: self._load_conversation(channel_id)
        )

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

    def _load_conversation(self, channel_id: str) -> tuple[Conversation | None, bool]:
        try:
            channel: dict[str, Any] = self.client.conversations_info(channel=channel_id).get("channel") or {}
            members: set[str] = set()
            cursor: str | None = None
            for _ in range(100):  # 100 pages of 1,000: far beyond any meeting channel
                page = self.client.conversations_members(channel=channel_id, cursor=cursor, limit=1000)
                members.update(str(m) for m in page.get("members") or ())
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("no membership for %s: %s", channel_id, error.response.get("error"))
            return None, False
        if not channel:
            return None, False
        if channel.get("is_im"):
            kind = Kind.IM
        elif channel.get("is_mpim"):
            kind = Kind.MPIM
        elif channel.get("is_private") or channel.get("is_group"):
            kind = Kind.PRIVATE
        else:
            kind = Kind.PUBLIC
        return Conversation(channel_id=channel_id, kind=kind, members=frozenset(members)), True
