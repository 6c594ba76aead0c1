"""What every listener needs besides Bolt's own arguments: the store opener, the clock, names.

`create_app` installs `provide(deps)` as a global middleware, so the one `Deps` reaches every
module-level listener through Bolt's `context` (`deps_of(context)`), as Bolt's own starter
template passes shared things, instead of through closures built inside `register`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.archive.access import Audience, Edition, edition_for, meeting_facts, reader_scope
from bot.config import DEFAULT_REMINDER_DAYS
from bot.slack.membership import MembershipCache, SlackDirectory
from bot.text.hygiene import clean_input
from storage.records import utc_clock
from storage.search import Scope
from storage.store import Store

_KEY = "referat_deps"


@dataclass
class Deps:
    """What every listener needs besides Bolt's own arguments."""

    open_store: Callable[[], Store]
    clock: Callable[[], dt.datetime] = utc_clock
    membership: MembershipCache = field(default_factory=MembershipCache)
    reminder_days: int = DEFAULT_REMINDER_DAYS  # REFERAT_REMINDER_DAYS
    _names: dict[str, str] = field(default_factory=dict)
    team_id: str | None = None  # the installation's workspace, learned from the first request
    enterprise_id: str | None = None
    # Installed by OAuth in many workspaces: each request names its own, and none is learned for all.
    many_workspaces: bool = False

    def workspace(self, context: BoltContext) -> str | None:
        """The workspace a request is served for: the installation's, or (many workspaces) the request's own.

        Slack's ids are unique only within a workspace, so every lookup by channel, thread or user and
        every cache and claim is kept apart by it.
        """
        return self.team_id or context.team_id

    def directory(self, client: WebClient) -> SlackDirectory:
        """Slack's facts for the access rules, through the brief shared cache."""
        workspace = client.default_params.get("team_id") if self.many_workspaces else None
        return SlackDirectory(client, self.membership, workspace)

    def learn_installation(self, team_id: str | None, enterprise_id: str | None) -> None:
        if self.team_id is None and team_id and not self.many_workspaces:
            self.team_id, self.enterprise_id = team_id, enterprise_id

    def adopt_meetings(self, store: Store) -> None:
        """Meetings stored without a workspace (before m020, or imported) join the installation's."""
        if self.team_id and store.has_unowned_meetings():
            store.adopt_meetings(self.team_id, self.enterprise_id)

    def scope(self, client: WebClient, store: Store, audience: Audience) -> Scope:
        """What an answer for `audience` may draw on (bot/archive/access.py decides)."""
        self.adopt_meetings(store)
        return reader_scope(store, audience, self.directory(client))

    def edition(self, client: WebClient, store: Store, audience: Audience, meeting_id: int) -> Edition | None:
        """Which edition of one meeting `audience` may receive; None: none at all."""
        self.adopt_meetings(store)
        facts = meeting_facts(store, meeting_id)
        return edition_for(audience, facts, self.directory(client)) if facts else None

    def user_name(self, client: WebClient) -> Callable[[str], str | None]:
        """A users.info lookup (cached per process: names rarely change within a meeting)."""

        # With many workspaces a user id names a person only within the client's own workspace.
        workspace = client.default_params.get("team_id") if self.many_workspaces else None

        def lookup(user_id: str) -> str | None:
            key = f"{workspace}:{user_id}" if workspace else user_id
            if key in self._names:
                return self._names[key]
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
        )
        next()

    return middleware


def deps_of(context: BoltContext) -> Deps:
    """The `Deps` the middleware put into this request's context."""
    deps = context[_KEY]
    assert isinstance(deps, Deps), "create_app installs the middleware that provides Deps"
    return deps
