"""Several Slack workspaces behind one Web API address, as Slack serves an app installed in many.

Slack has one API for every workspace and tells them apart by the token a call carries. `Workspaces`
is that front: each workspace is a `SlackStandIn` of its own (its users, channels, messages, bot
user), and a call goes to the workspace its token was issued for; a token never issued, or revoked by
an uninstall, is refused with `invalid_auth` before any workspace sees the call. The OAuth exchange,
`oauth.v2.access`, is answered here: authenticated with the app's client id and secret (HTTP Basic,
as slack_sdk sends them), it turns a one-time code into a bot token for the workspace the code was
made for, or, with `grant_type=refresh_token`, rotates a token. Workspaces may use equal channel and
user ids, so a test can show that nothing of one reaches the other.

Uploads and `response_url`s go straight to the workspace's own server (its URLs carry its port).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from bot.console.records import ApiCall, Json, Reply
from bot.console.standin import SlackStandIn

OAUTH_ACCESS = "/api/oauth.v2.access"
REFRESHED_EXPIRES_IN = 12 * 3600


@dataclass
class Installed:
    """One workspace behind the front, and the tokens issued for it."""

    slack: SlackStandIn
    code: str
    scopes: str
    tokens: set[str]
    refresh_token: str | None = None


def _json(payload: Json, status: int = 200) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode("utf-8"), content_type="application/json")


class Workspaces(SlackStandIn):
    """The front: `add(workspace, code=…)`, then the app installs with that code and calls with its token."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        expires_in: int | None = None,
    ) -> None:
        """`expires_in`: issue rotating tokens (with a refresh token); the installed one expires after so
        many seconds, a refreshed one after Slack's twelve hours."""
        super().__init__(clock)
        self.client_id, self.client_secret = client_id, client_secret
        self.expires_in = expires_in
        self._lock = threading.Lock()
        self._installed: dict[str, Installed] = {}  # by team id
        self._numbers = itertools.count(1)
        self.exchanges: list[ApiCall] = []  # every oauth.v2.access call, answered or refused

    def add(self, slack: SlackStandIn, *, code: str, scopes: str = "commands,chat:write") -> None:
        with self._lock:
            self._installed[slack.team_id] = Installed(slack, code, scopes, set())

    def tokens_of(self, team_id: str) -> set[str]:
        with self._lock:
            return set(self._installed[team_id].tokens)

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app: every token issued for it stops working at once."""
        with self._lock:
            installed = self._installed[team_id]
            installed.tokens.clear()
            installed.refresh_token = None

    def route(self, path: str, content_type: str, body: bytes, token: str | None) -> Reply:
        if urlsplit(path).path == OAUTH_ACCESS:
            return self._oauth_access(body, token)
        if not urlsplit(path).path.startswith("/api/"):
            return Reply(status=404, body=b"not found", content_type="text/plain")
        if token is not None and token.startswith("Basic "):
            token = None
        with self._lock:
            owner = next((i.slack for i in self._installed.values() if token and token in i.tokens), None)
        if owner is None:
            error = "not_authed" if not token else "invalid_auth"
            self._record(ApiCall(path.rsplit("/", 1)[-1], {}, token, failed=True, error=error))
            return _json({"ok": False, "error": error})
        return owner.route(path, content_type, body, token)

    def _oauth_access(self, body: bytes, authorization: str | None) -> Reply:
        params: Json = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        error = self._credentials_error(authorization, params)
        result = self._exchange(params) if error is None else {"ok": False, "error": error}
        with self._lock:
            refused = result.get("error")
            self.exchanges.append(
                ApiCall("oauth.v2.access", params, None, error=str(refused) if refused else None)
            )
        return _json(result)

    def _credentials_error(self, authorization: str | None, params: Json) -> str | None:
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[len("Basic ") :], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return "invalid_client_id"
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id:
            return "invalid_client_id"
        if client_secret != self.client_secret:
            return "bad_client_secret"
        return None

    def _exchange(self, params: Json) -> Json:
        with self._lock:
            if params.get("grant_type") == "refresh_token":
                refresh = params.get("refresh_token")
                installed = next(
                    (i for i in self._installed.values() if refresh and i.refresh_token == refresh), None
                )
                if installed is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
            else:
                code = params.get("code")
                installed = next((i for i in self._installed.values() if code and i.code == code), None)
                if installed is None:
                    return {"ok": False, "error": "invalid_code"}
            slack = installed.slack
            token = f"xoxb-{slack.team_id}-{next(self._numbers)}"
            installed.tokens.add(token)
            answer: Json = {
                "ok": True,
                "app_id": "AREFERAT",
                "access_token": token,
                "token_type": "bot",
                "scope": installed.scopes,
                "bot_user_id": slack.bot_user_id,
                "team": {"id": slack.team_id, "name": slack.team_name},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "UINSTALLER"},
            }
            if self.expires_in is not None:
                # Issued with the install and kept through refreshes; an uninstall revokes it.
                installed.refresh_token = (
                    installed.refresh_token or f"xoxe-1-{slack.team_id}-{next(self._numbers)}"
                )
                refreshed = params.get("grant_type") == "refresh_token"
                answer.update(
                    refresh_token=installed.refresh_token,
                    expires_in=REFRESHED_EXPIRES_IN if refreshed else self.expires_in,
                )
            return answer
