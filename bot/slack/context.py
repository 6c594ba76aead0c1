"""What every listener needs besides Bolt's own arguments: the store opener, the clock, names.

`create_app` installs `provide(deps)` as a global middleware, so the one `Deps` reaches every
module-level listener through Bolt's `context` (`deps_of(context)`), as Bolt's own starter
template passes shared things, instead of through closures built inside `register`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.archive.access import Audience, Edition, ScopeCache, edition_for, meeting_facts, reader_scope
from bot.config import DEFAULT_REMINDER_DAYS
from bot.slack.canvas import LiveCanvas
from bot.slack.heavy import HeavyWork
from bot.slack.lane import CommandLane
from bot.slack.membership import MembershipCache, SlackDirectory
from bot.text.hygiene import clean_input
from storage.records import utc_clock
from storage.search import Scope
from storage.store import Store

_KEY = "referat_deps"
# What name look-ups before an acknowledgement may spend together, of Slack's 3 seconds.
QUICK_LOOKUP_SECONDS = 1

log = logging.getLogger(__name__)


@dataclass
class Deps:
    """What every listener needs besides Bolt's own arguments."""

    open_store: Callable[[], Store]
    clock: Callable[[], dt.datetime] = utc_clock
    membership: MembershipCache = field(default_factory=MembershipCache)
    scopes: ScopeCache = field(default_factory=ScopeCache)
    reminder_days: int = DEFAULT_REMINDER_DAYS  # REFERAT_REMINDER_DAYS
    _names: dict[str, str] = field(default_factory=dict)
    heavy: HeavyWork = field(default_factory=HeavyWork)  # exports and long drafts, off Bolt's threads
    team_id: str | None = None  # the installation's workspace, learned from the first request
    enterprise_id: str | None = None
    # Installed by OAuth in many workspaces: each request names its own, and none is learned for all.
    many_workspaces: bool = False
    # The live referat in each meeting channel's canvas (bot.slack.canvas); made with the app.
    canvas: LiveCanvas | None = None
    bot_user_id: str | None = None  # the bot's own user: a member of its channels, never a reader
    # Slash commands' work before their ack, one at a time (bot.slack.lane).
    lane: CommandLane = field(default_factory=CommandLane)
    # The last membership change this process applied (storage.membership); None before the first look.
    _membership_seen: int | None = None
    _membership_lock: threading.Lock = field(default_factory=threading.Lock)

    def workspace(self, context: BoltContext) -> str | None:
        """The workspace a request is served for: the installation's, or (many workspaces) the request's own.

        Slack's ids are unique only within a workspace, so every lookup by channel, thread or user and
        every cache and claim is kept apart by it.
        """
        return self.team_id or context.team_id

    def directory(self, client: WebClient, *, heard: bool = False) -> SlackDirectory:
        """Slack's facts for the access rules, through the brief shared cache; before the cache is
        first read, the membership changes other processes recorded are applied (unless `heard`)."""
        workspace = client.default_params.get("team_id") if self.many_workspaces else None
        hear = None if heard else (lambda: self.hear_membership(self.open_store()))
        return SlackDirectory(client, self.membership, workspace, self.bot_user_id, hear)

    def membership_changed(
        self, store: Store, channel_id: str, user_id: str, workspace: str | None = None
    ) -> None:
        """`member_joined_channel`/`member_left_channel`: who may read what is decided again, here
        at once and in every other process serving the file at its next look (`hear_membership`)."""
        self.membership.changed(channel_id, user_id, workspace)
        self.scopes.forget()
        try:
            seq = store.record_membership_change(workspace, channel_id, user_id, self.clock())
        except sqlite3.Error:
            # Heard here all the same; the other processes ask Slack again within the minute.
            log.exception("membership change in %s not recorded for the other processes", channel_id)
            return
        with self._membership_lock:
            if self._membership_seen == seq - 1:
                self._membership_seen = seq  # its own change, applied above

    def hear_membership(self, store: Store) -> None:
        """Apply the membership changes recorded since this process last looked (by any process)."""
        with self._membership_lock:
            seen = self._membership_seen
            if seen is None:
                # The first look: nothing is kept yet, so only where to start from matters.
                self._membership_seen = store.last_membership_change()
                return
            news = store.membership_changes_after(seen)
            if not news.changes:
                return
            if news.complete:
                for change in news.changes:
                    self.membership.changed(change.channel_id, change.user_id, change.workspace)
            else:
                self.membership.forget_all()
            self.scopes.forget()
            self._membership_seen = news.last

    def learn_installation(
        self, team_id: str | None, enterprise_id: str | None, bot_user_id: str | None = None
    ) -> None:
        if self.many_workspaces:
            return
        if self.team_id is None and team_id:
            self.team_id, self.enterprise_id = team_id, enterprise_id
        if self.bot_user_id is None and bot_user_id:
            self.bot_user_id = bot_user_id

    def adopt_meetings(self, store: Store) -> None:
        """Meetings stored without a workspace (before m020, or imported) join the installation's."""
        if self.team_id and store.has_unowned_meetings():
            store.adopt_meetings(self.team_id, self.enterprise_id)

    def scope(self, client: WebClient, store: Store, audience: Audience) -> Scope:
        """What an answer for `audience` may draw on (bot/archive/access.py decides)."""
        self.adopt_meetings(store)
        # Before the kept scopes are read: a member removed in another process's hearing reads no more.
        self.hear_membership(store)
        return reader_scope(store, audience, self.directory(client, heard=True), self.scopes)

    def edition(self, client: WebClient, store: Store, audience: Audience, meeting_id: int) -> Edition | None:
        """Which edition of one meeting `audience` may receive; None: none at all."""
        self.adopt_meetings(store)
        facts = meeting_facts(store, meeting_id)
        return edition_for(audience, facts, self.directory(client)) if facts else None

    def quick_name(self, client: WebClient) -> Callable[[str], str | None]:
        """A name lookup for work before an ack: the cache, else one users.info without retries and
        within a share of Slack's 3 seconds; None when Slack does not answer at once (rate limited,
        slow), so the ack is never late. A name found is cached for the slower lookups too."""
        deadline = time.monotonic() + QUICK_LOOKUP_SECONDS
        cached = self.user_name(client, cached_only=True)

        def lookup(user_id: str) -> str | None:
            name = cached(user_id)
            if name is not None or time.monotonic() >= deadline:
                return name
            # Only a name not yet cached needs a client of its own (without retries, a short timeout).
            quick = WebClient(
                token=client.token,
                base_url=client.base_url,
                timeout=QUICK_LOOKUP_SECONDS,
                retry_handlers=[],
                team_id=client.default_params.get("team_id"),
            )
            try:
                return self.user_name(quick)(user_id)
            except (SlackApiError, SlackClientError, OSError) as error:
                log.info("no quick name for %s: %s", user_id, type(error).__name__)
                return None

        return lookup

    def user_name(self, client: WebClient, *, cached_only: bool = False) -> Callable[[str], str | None]:
        """A users.info lookup (cached per process: names rarely change within a meeting);
        `cached_only`: the cache alone, None for a name not in it."""

        # With many workspaces a user id names a person only within the client's own workspace.
        workspace = client.default_params.get("team_id") if self.many_workspaces else None

        def lookup(user_id: str) -> str | None:
            key = f"{workspace}:{user_id}" if workspace else user_id
            if key in self._names or cached_only:
                return self._names.get(key)
            response = client.users_info(user=user_id)
            user: dict[str, Any] = response.get("user") or {}
            profile: dict[str, Any] = user.get("profile") or {}
            raw = profile.get("real_name") or user.get("real_name") or user.get("name")
            # A display name is typed by its owner: it gets the same hygiene as any other input.
            name = " ".join(clean_input(str(raw or "")).split())
            if name:
                self._names[key] = name
            return name or None

        return lookup


def provide(deps: Deps) -> Callable[[BoltContext, Callable[[], None]], None]:
    """A global Bolt middleware that puts `deps` into every request's context."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context[_KEY] = deps
        installation = context.authorize_result
        deps.learn_installation(
            (installation.team_id if installation else None) or context.team_id,
            (installation.enterprise_id if installation else None) or context.enterprise_id,
            (installation.bot_user_id if installation else None) or context.bot_user_id,
        )
        next()

    return middleware


def deps_of(context: BoltContext) -> Deps:
    """The `Deps` the middleware put into this request's context."""
    deps = context[_KEY]
    assert isinstance(deps, Deps), "create_app installs the middleware that provides Deps"
    return deps
