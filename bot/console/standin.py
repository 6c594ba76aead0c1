"""The one stand-in for Slack's Web API: `referat console` runs against it, and so do the tests.

The bot reaches Slack only through `slack_sdk.WebClient`; aimed at this loopback server it runs the same
listeners, request encoding, error and retry handling as in production. It keeps what Slack would hold
(messages, threads, ephemerals, files, modals, reactions, canvases, `response_url` answers), refuses what
Slack refuses (bot.slack.limits, a missing token, an unknown method), and records every call.

Two kinds of user build on it. The console (bot.console.screen) overrides the `shown_*` hooks to
print what Slack would show. The tests (tests/support/slack_fake.py) override `fault_for` to inject
rate limits, server errors, dropped connections and slow answers, and wait for the bot's work with
`wait_for(...)`: all state sits behind one condition variable. Standard library only, on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Self, TypeVar
from urllib.parse import parse_qsl, urlsplit

from bot.console.canvases import Canvases
from bot.console.conversations import history, replies
from bot.console.home_tab import HomeTabs
from bot.console.records import (
    ApiCall,
    Ephemeral,
    Json,
    Message,
    PendingUpload,
    Reply,
    Response,
    ResponseTarget,
    SharedFile,
    View,
    truthy,
)
from bot.console.rooms import Rooms
from bot.console.scheduled import ScheduledMessages, open_conversation
from bot.console.standin_http import SOCKET_TIMEOUT, StandInServer
from bot.slack.limits import RESPONSE_URL_USES, message_error, view_error

T = TypeVar("T")

# How long `wait_for` waits by default. Generous, because a wait returns as soon as its condition
# holds: only a failing wait pays it, and a machine busy with other work does not fail a good one.
WAIT_TIMEOUT = 30.0

# slack_sdk sends these parameters as JSON strings inside form bodies.
_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _valid_ts(ts: str) -> bool:
    head, dot, tail = ts.partition(".")
    return bool(dot) and head.isdigit() and tail.isdigit()


# ---------------------------------------------------------------------------------------------
# Transport.


@dataclass
class _State:
    calls: list[ApiCall] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    ephemerals: list[Ephemeral] = field(default_factory=list)
    files: list[SharedFile] = field(default_factory=list)
    uploads: dict[str, PendingUpload] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    responses: list[Response] = field(default_factory=list)
    response_urls: dict[str, ResponseTarget] = field(default_factory=dict)
    response_uses: dict[str, int] = field(default_factory=dict)
    reactions: dict[tuple[str, str], list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The stand-in.


class SlackStandIn:
    """A threaded local Slack Web API. `with SlackStandIn() as slack:` or `start()`/`stop()`."""

    # Who the bot is in this workspace; subclasses name their own.
    bot_user_id = "UREFERAT"
    bot_id = "BREFERAT"
    bot_name = "referat"
    team_id = "TKONSOL"
    team_name = "Konsol"
    permalink_base = "https://referat-konsol.invalid"

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._cond = threading.Condition(threading.RLock())
        # Scheduled messages run on the app's clock (a test's or the console's), never the wall clock.
        self.scheduled = ScheduledMessages(clock) if clock is not None else ScheduledMessages()
        self.homes = HomeTabs()  # what views.publish put in each person's App Home
        self._stopping = threading.Event()
        self._server: StandInServer | None = None
        self._thread: threading.Thread | None = None
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        # Message ts are microseconds from now on, one apart: unique within a run, and later than
        # the threads an earlier run stored in the same database.
        self._ts_base = time.time_ns() // 1_000
        self._ts_counter = itertools.count(0)
        self._users: dict[str, Json] = {}
        self.rooms = Rooms(self.bot_user_id, lambda: self._users)
        self.socket_mode_url = "ws://127.0.0.1:1/"  # apps.connections.open's: port 1 refuses connections
        self.canvases = Canvases()  # channel and standalone canvases (the live referat)
        self._state = _State()
        self._methods: dict[str, Callable[[Json], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "users.info": self._users_info,
            "conversations.info": self._in_channel(self._conversations_info),
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "apps.connections.open": self._apps_connections_open,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "chat.scheduleMessage": self.scheduled.schedule,
            "chat.deleteScheduledMessage": self.scheduled.delete,
            "chat.scheduledMessages.list": self.scheduled.list,
            "conversations.open": open_conversation,
            "views.publish": self.homes.publish,
            "conversations.members": self._in_channel(self._conversations_members),
            "conversations.join": self._in_channel(lambda channel, params: self.rooms.bot_joins(channel)),
            "conversations.history": self._in_channel(lambda c, p: history(self.messages(c), p)),
            "conversations.replies": self._in_channel(lambda c, p: replies(self.messages(c), p)),
            "users.conversations": self._users_conversations,
            "conversations.list": self._conversations_list,
            **self.canvases.methods(),
        }

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = StandInServer(self.route)
        server.timeout = SOCKET_TIMEOUT
        self._server = server
        self._thread = threading.Thread(
            # A short poll keeps stop() (one per test) from adding up to seconds over a run.
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=type(self).__name__,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # releases whatever is held back (see fault_for)
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=SOCKET_TIMEOUT)
        self._server = self._thread = None
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # --- the workspace ---------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        real_name: str,
        *,
        display_name: str | None = None,
        name: str | None = None,
        tz: str = "Europe/Copenhagen",
        team_id: str | None = None,
        guest: bool = False,
        single_channel_guest: bool = False,
    ) -> None:
        """A user; `guest` (is_restricted), `single_channel_guest` (is_ultra_restricted), and a
        `team_id` other than the workspace's for a user of another organisation (Slack Connect)."""
        with self._cond:
            self._users[user_id] = {
                "id": user_id,
                "team_id": team_id or self.team_id,
                "is_restricted": guest or single_channel_guest,
                "is_ultra_restricted": single_channel_guest,
                "name": name or (real_name.split()[0].lower() if real_name.strip() else user_id.lower()),
                "real_name": real_name,
                "deleted": False,
                "is_bot": False,
                "tz": tz,
                "profile": {"real_name": real_name, "display_name": display_name or ""},
            }

    def name_of(self, user_id: str) -> str | None:
        """A user's real name (the bot's own name for the bot), or None for someone unknown."""
        if user_id == self.bot_user_id:
            return self.bot_name
        with self._cond:
            user = self._users.get(user_id)
            return None if user is None else str(user["real_name"])

    def users(self) -> dict[str, str]:
        """Real names by user id."""
        with self._cond:
            return {uid: str(user["real_name"]) for uid, user in self._users.items()}

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        private: bool = False,
        members: Iterable[str] | None = None,
        bot_member: bool = True,
    ) -> None:
        """A channel; with `members` (users besides the bot) its membership is what Slack says."""
        with self._cond:
            self.rooms.add_channel(channel_id, name, private=private, members=members, bot_member=bot_member)

    def heard_of(self, channel_id: str) -> None:
        """A conversation used without being set up (a command sent in it) exists from now on."""
        with self._cond:
            self.rooms.seen(channel_id)

    def add_dm(self, channel_id: str, user_id: str) -> None:
        """The direct message between the bot and one user."""
        with self._cond:
            self.rooms.add(channel_id, "im", {user_id})

    def add_group_dm(self, channel_id: str, members: Iterable[str]) -> None:
        with self._cond:
            self.rooms.add(channel_id, "mpim", members)

    def join(self, channel_id: str, user_id: str) -> None:
        with self._cond:
            self.rooms.join(channel_id, user_id)

    def leave(self, channel_id: str, user_id: str) -> None:
        with self._cond:
            self.rooms.leave(channel_id, user_id)

    def seed_message(self, channel: str, text: str, *, user: str, thread_ts: str | None = None) -> Message:
        """A message a person wrote (so the bot can react to it, link to it or reply in its thread)."""
        with self._cond:
            msg = Message(
                channel=channel,
                ts=self.new_ts(),
                text=text,
                user=user,
                thread_ts=thread_ts,
                origin="seed",
                seq=next(self._seq),
            )
            self._state.messages.append(msg)
            self._cond.notify_all()
            return msg

    def new_response_url(
        self, channel: str, user: str, *, message_ts: str | None = None, thread_ts: str | None = None
    ) -> str:
        """A `response_url` for an interaction by `user` in `channel` (on message `message_ts`)."""
        with self._cond:
            url_id = self.new_id("R")
            self._state.response_urls[url_id] = ResponseTarget(channel, user, message_ts, thread_ts)
        return f"{self.base_url}/response/{url_id}"

    def new_ts(self) -> str:
        micros = self._ts_base + next(self._ts_counter)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):07d}"

    def reset(self) -> None:
        """Forget everything but the users and channels."""
        with self._cond:
            self._state = _State()
            self._cond.notify_all()

    # --- what Slack holds ------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        with self._cond:
            return list(self._state.calls)

    @property
    def connections_opened(self) -> int:
        """Connections clients have opened to the stand-in (a client may keep one for many calls)."""
        return self._server.connections.opened if self._server is not None else 0

    @property
    def connections_ended(self) -> tuple[int, list[BaseException]]:
        """How many connections are done, and the errors any of them ended with."""
        if self._server is None:
            return 0, []
        return self._server.connections.ended, list(self._server.connections.errors)

    @property
    def open_connections(self) -> int:
        return len(self._server.connections.open) if self._server is not None else 0

    def close_connections(self) -> None:
        """Close every open connection, as Slack closes one a client has left idle."""
        if self._server is not None:
            self._server.connections.close_all()

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._state.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[Message]:
        """Top-level messages and thread replies (in `channel`), in the order they were posted."""
        with self._cond:
            return [m for m in self._state.messages if channel is None or m.channel == channel]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        """The replies in a thread (not its parent), in order."""
        with self._cond:
            return [
                m
                for m in self._state.messages
                if m.channel == channel and m.thread_ts == thread_ts and m.is_reply
            ]

    def message(self, channel: str, ts: str) -> Message | None:
        with self._cond:
            return next((m for m in self._state.messages if m.channel == channel and m.ts == ts), None)

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        with self._cond:
            return [
                e
                for e in self._state.ephemerals
                if (channel is None or e.channel == channel) and (user is None or e.user == user)
            ]

    @property
    def files(self) -> list[SharedFile]:
        with self._cond:
            return list(self._state.files)

    @property
    def responses(self) -> list[Response]:
        with self._cond:
            return list(self._state.responses)

    @property
    def views(self) -> list[View]:
        with self._cond:
            return list(self._state.views.values())

    def reactions(self, channel: str, ts: str) -> list[str]:
        with self._cond:
            return list(self._state.reactions.get((channel, ts), []))

    # --- waiting ---------------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = WAIT_TIMEOUT) -> T:
        """Return the first truthy `predicate()`, re-evaluated whenever the state changes (and every
        50 ms, for a predicate that also reads what the bot stores after its last call to Slack)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"condition not met within {timeout} s; {self.describe()}")
                self._cond.wait(min(remaining, 0.05))

    def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, timeout: float = WAIT_TIMEOUT
    ) -> ApiCall:
        """The first recorded call to `method` (matching `predicate`), waiting for it if need be."""

        def found() -> ApiCall | None:
            return next(
                (c for c in self._state.calls if c.method == method and (predicate is None or predicate(c))),
                None,
            )

        call = self.wait_for(found, timeout)
        assert call is not None  # wait_for returns only truthy results
        return call

    def describe(self) -> str:
        with self._cond:
            calls = list(self._state.calls)
        if not calls:
            return "no calls recorded"
        lines = [f"{len(calls)} calls recorded:"]
        for call in calls[-40:]:
            flag = " FAILED" if call.failed else ""
            error = f" error={call.error}" if call.error else ""
            params = json.dumps(call.params, ensure_ascii=False, default=str)
            if len(params) > 300:
                params = params[:300] + "…"
            lines.append(f"  {call.method} [{call.status}{flag}{error}] {params}")
        return "\n".join(lines)

    # --- hooks -----------------------------------------------------------------------------------

    def fault_for(self, key: str) -> Reply | None:
        """A reply that replaces the normal answer to `key` (a method, "response_url", "file_upload").

        None answers normally; Slack never fails here, tests make it fail (see tests/support).
        """
        return None

    # What Slack would show people. Called with the state lock held, in order of arrival.
    def shown_message(self, message: Message, before: Message | None) -> None: ...

    def shown_ephemeral(self, ephemeral: Ephemeral, before: Ephemeral | None) -> None: ...

    def shown_deleted(self, message: Message | Ephemeral) -> None: ...

    def shown_files(self, files: list[SharedFile], message: Message | None) -> None: ...

    def shown_view(self, view: View, *, updated: bool) -> None: ...

    def shown_reaction(self, channel: str, ts: str, name: str) -> None: ...

    def shown_refusal(self, method: str, error: str) -> None: ...

    # --- request routing (server threads) --------------------------------------------------------

    def route(self, path: str, content_type: str, body: bytes, token: str | None) -> Reply:
        url = urlsplit(path)
        if url.path.startswith("/api/"):
            return self._api(url.path[len("/api/") :], url.query, content_type, body, token)
        if url.path.startswith("/upload/"):
            return self._upload(url.path[len("/upload/") :], body)
        if url.path.startswith("/response/"):
            return self._response(url.path[len("/response/") :], content_type, body)
        return Reply(status=404, body=b"not found", content_type="text/plain")

    def _record(self, call: ApiCall) -> None:
        with self._cond:
            self._state.calls.append(call)
            self._cond.notify_all()

    def _fault(self, key: str, params: Json, token: str | None = None) -> Reply | None:
        reply = self.fault_for(key)
        if reply is not None:
            error = "connection_dropped" if reply.drop else None
            if not reply.drop and reply.content_type.startswith("application/json"):
                error = json.loads(reply.body).get("error")
            self._record(ApiCall(key, params, token, failed=True, error=error, status=reply.status))
        return reply

    def _api(self, method: str, query: str, content_type: str, body: bytes, token: str | None) -> Reply:
        params: Json = dict(parse_qsl(query, keep_blank_values=True))
        parse_error: str | None = None
        if content_type == "application/json" and body:
            try:
                loaded = json.loads(body)
            except ValueError:
                loaded = None
            if isinstance(loaded, dict):
                params.update(loaded)
            else:
                parse_error = "invalid_json"
        elif content_type == "application/x-www-form-urlencoded" and body:
            try:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
            except (UnicodeDecodeError, ValueError):
                parse_error = "invalid_form_data"
        token = token or (str(params.pop("token")) if "token" in params else None)
        for key in _JSON_PARAMS:
            value = params.get(key)
            if isinstance(value, str) and value.strip():
                # A string that is not JSON stays a string; the validation refuses it as Slack would.
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)

        fault = self._fault(method, params, token)
        if fault is not None:
            return fault

        with self._cond:
            handler = self._methods.get(method)
            if isinstance(params.get("channel"), str):
                self.rooms.seen(params["channel"])
            if parse_error is not None:
                result: Json = {"ok": False, "error": parse_error}
            elif handler is None:
                result = {"ok": False, "error": "unknown_method", "req_method": method}
            elif not token or token.startswith("Basic "):
                result = {"ok": False, "error": "not_authed"}
            else:
                result = handler(params)
            self._state.calls.append(ApiCall(method, params, token, error=result.get("error")))
            if not result.get("ok"):
                self.shown_refusal(method, str(result.get("error")))
            self._cond.notify_all()
        return Reply.of(result)

    def _upload(self, file_id: str, body: bytes) -> Reply:
        params: Json = {"file_id": file_id, "length": len(body)}
        fault = self._fault("file_upload", params)
        if fault is not None:
            return fault
        with self._cond:
            upload = self._state.uploads.get(file_id)
            if upload is None:
                self._state.calls.append(ApiCall("file_upload", params, error="file_not_found", status=404))
                self._cond.notify_all()
                return Reply(status=404, body=b"file_not_found", content_type="text/plain")
            upload.content = body
            self._state.calls.append(ApiCall("file_upload", params))
            self._cond.notify_all()
        return Reply(body=f"OK - {len(body)}".encode(), content_type="text/plain")

    def _response(self, url_id: str, content_type: str, body: bytes) -> Reply:
        try:
            loaded = json.loads(body) if content_type == "application/json" else None
        except ValueError:
            loaded = None
        payload: Json = loaded if isinstance(loaded, dict) else {}
        fault = self._fault("response_url", payload)
        if fault is not None:
            return fault
        with self._cond:
            target = self._state.response_urls.get(url_id)
            error, status = self._apply_response(url_id, target, payload, loaded)
            self._state.calls.append(ApiCall("response_url", payload, error=error, status=status))
            if target is not None:
                self._state.responses.append(
                    Response(
                        url=f"{self.base_url}/response/{url_id}",
                        channel=target.channel,
                        user=target.user,
                        body=payload,
                        error=error,
                    )
                )
            if error is not None:
                self.shown_refusal("response_url", error)
            self._cond.notify_all()
        if error is not None:
            return Reply.of({"ok": False, "error": error}, status=status)
        return Reply.of({"ok": True})

    def _apply_response(
        self, url_id: str, target: ResponseTarget | None, payload: Json, loaded: object
    ) -> tuple[str | None, int]:
        if target is None:
            return "expired_url", 404
        if not isinstance(loaded, dict):
            return "invalid_payload", 400
        uses = self._state.response_uses.get(url_id, 0)
        if uses >= RESPONSE_URL_USES:
            return "used_url", 404
        self._state.response_uses[url_id] = uses + 1
        delete = truthy(payload.get("delete_original"))
        if not delete:
            error = message_error(payload.get("text"), payload.get("blocks"))
            if error is not None:
                return error, 400
        text = _str(payload.get("text"))
        blocks = payload.get("blocks") or None
        if (
            (delete or truthy(payload.get("replace_original")))
            and target.message_ts
            and self._replace_original(target, text, blocks, delete=delete)
        ):
            return None, 200
        if delete:
            return None, 200
        thread_ts = _str(payload.get("thread_ts")) or target.thread_ts
        if payload.get("response_type") == "in_channel":
            self._post(target.channel, text, blocks, thread_ts=thread_ts, origin="response_url")
        else:
            self._post_ephemeral(target.channel, target.user, text, blocks, thread_ts, origin="response_url")
        return None, 200

    def _replace_original(
        self, target: ResponseTarget, text: str, blocks: list[Json] | None, *, delete: bool
    ) -> bool:
        messages, ephemerals = self._state.messages, self._state.ephemerals
        for i, msg in enumerate(messages):
            if msg.channel == target.channel and msg.ts == target.message_ts:
                if delete:
                    del messages[i]
                    self.shown_deleted(msg)
                else:
                    messages[i] = replace(msg, text=text, blocks=blocks, edited=True)
                    self.shown_message(messages[i], msg)
                return True
        for i, eph in enumerate(ephemerals):
            if eph.channel == target.channel and eph.message_ts == target.message_ts:
                if delete:
                    del ephemerals[i]
                    self.shown_deleted(eph)
                else:
                    ephemerals[i] = replace(eph, text=text, blocks=blocks)
                    self.shown_ephemeral(ephemerals[i], eph)
                return True
        return False

    # --- Web API methods (called with the lock held) -------------------------------------------

    @staticmethod
    def _error(error: str) -> Json:
        return {"ok": False, "error": error}

    def _post(
        self,
        channel: str,
        text: str,
        blocks: list[Json] | None,
        *,
        thread_ts: str | None,
        origin: str,
        reply_broadcast: bool = False,
        files: tuple[str, ...] = (),
        metadata: Json | None = None,
    ) -> Message:
        msg = Message(
            channel=channel,
            ts=self.new_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            thread_ts=thread_ts,
            reply_broadcast=reply_broadcast,
            origin=origin,
            files=files,
            bot_id=self.bot_id,
            seq=next(self._seq),
            metadata=metadata,
        )
        self._state.messages.append(msg)
        if not files:
            self.shown_message(msg, None)
        return msg

    def _post_ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[Json] | None,
        thread_ts: str | None,
        *,
        origin: str,
    ) -> Ephemeral:
        eph = Ephemeral(
            channel=channel,
            user=user,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            message_ts=self.new_ts(),
            origin=origin,
            seq=next(self._seq),
        )
        self._state.ephemerals.append(eph)
        self.shown_ephemeral(eph, None)
        return eph

    def _auth_test(self, params: Json) -> Json:
        return {
            "ok": True,
            "url": f"{self.permalink_base}/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: Json) -> Json:
        channel = _str(params.get("channel"))
        if not channel:
            return self._error("channel_not_found")
        if self.rooms.hidden(channel):
            return self._error("not_in_channel")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        msg = self._post(
            channel,
            _str(params.get("text")),
            params.get("blocks") or None,
            thread_ts=_str(params.get("thread_ts")) or None,
            origin="chat.postMessage",
            reply_broadcast=truthy(params.get("reply_broadcast")),
            metadata=params.get("metadata") or None,
        )
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": msg.payload()}

    def _find(self, channel: str, ts: str) -> int | None:
        messages = self._state.messages
        return next((i for i, m in enumerate(messages) if m.channel == channel and m.ts == ts), None)

    def _chat_update(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("ts"))
        if not channel:
            return self._error("channel_not_found")
        index = self._find(channel, ts)
        if index is None:
            return self._error("message_not_found")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        old = self._state.messages[index]
        # Slack keeps whatever the update leaves out.
        new = replace(
            old,
            text=_str(params["text"]) if "text" in params else old.text,
            blocks=(params.get("blocks") or None) if "blocks" in params else old.blocks,
            edited=True,
        )
        self._state.messages[index] = new
        self.shown_message(new, old)
        return {"ok": True, "channel": channel, "ts": ts, "text": new.text, "message": new.payload()}

    def _chat_delete(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("ts"))
        index = self._find(channel, ts)
        if index is None:
            return self._error("message_not_found")
        self.shown_deleted(self._state.messages.pop(index))
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, params: Json) -> Json:
        channel, user = _str(params.get("channel")), _str(params.get("user"))
        if not channel:
            return self._error("channel_not_found")
        if not user:
            return self._error("user_not_found")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        eph = self._post_ephemeral(
            channel,
            user,
            _str(params.get("text")),
            params.get("blocks") or None,
            _str(params.get("thread_ts")) or None,
            origin="chat.postEphemeral",
        )
        return {"ok": True, "message_ts": eph.message_ts}

    def _chat_get_permalink(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("message_ts"))
        if not channel:
            return self._error("channel_not_found")
        # Lenient about unknown ts: people's messages exist in Slack without passing through here.
        if not _valid_ts(ts):
            return self._error("message_not_found")
        link = f"{self.permalink_base}/archives/{channel}/p{ts.replace('.', '')}"
        msg = self.message(channel, ts)
        if msg is not None and msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _reactions_add(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("timestamp"))
        name = _str(params.get("name")).strip(":")
        if not channel:
            return self._error("channel_not_found")
        if not _valid_ts(ts):
            return self._error("bad_timestamp")
        if not name:
            return self._error("invalid_name")
        names = self._state.reactions.setdefault((channel, ts), [])
        if name in names:
            return self._error("already_reacted")
        names.append(name)
        self.shown_reaction(channel, ts, name)
        return {"ok": True}

    def _users_info(self, params: Json) -> Json:
        user_id = _str(params.get("user"))
        if user_id == self.bot_user_id:
            return {
                "ok": True,
                "user": {
                    "id": self.bot_user_id,
                    "team_id": self.team_id,
                    "name": self.bot_name,
                    "real_name": self.bot_name,
                    "is_bot": True,
                    "profile": {
                        "real_name": self.bot_name,
                        "display_name": self.bot_name,
                        "bot_id": self.bot_id,
                    },
                },
            }
        user = self._users.get(user_id)
        if user is None:
            return self._error("user_not_found")
        return {"ok": True, "user": json.loads(json.dumps(user))}

    def _in_channel(self, answer: Callable[[str, Json], Json]) -> Callable[[Json], Json]:
        """A conversations.* method on a channel the bot may see (`channel_not_found` otherwise)."""

        def handler(params: Json) -> Json:
            channel = _str(params.get("channel"))
            if not channel or self.rooms.hidden(channel):
                return self._error("channel_not_found")
            return answer(channel, params)

        return handler

    def _conversations_info(self, channel: str, params: Json) -> Json:
        return {"ok": True, "channel": self.rooms.describe(channel)}

    def _conversations_members(self, channel: str, params: Json) -> Json:
        members = sorted(self.rooms.room(channel)[1])
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _users_conversations(self, params: Json) -> Json:
        user = _str(params.get("user"))
        if user and user != self.bot_user_id and user not in self._users:
            return self._error("user_not_found")
        channels = self.rooms.listed(params, user or self.bot_user_id)
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    def _conversations_list(self, params: Json) -> Json:
        return {"ok": True, "channels": self.rooms.listed(params), "response_metadata": {"next_cursor": ""}}

    def view_payload(self, view: View) -> Json:
        return {
            **view.view,
            "id": view.id,
            "team_id": self.team_id,
            "hash": view.hash,
            "state": {"values": {}},
            "bot_id": self.bot_id,
        }

    def trigger_user(self, trigger_id: str) -> str | None:
        """Who the modal opened with `trigger_id` is for; "" when any trigger is taken (no person)."""
        return ""

    def _views_open(self, params: Json) -> Json:
        view = params.get("view")
        trigger = _str(params.get("trigger_id"))
        if not trigger:
            return self._error("invalid_trigger_id")
        if not isinstance(view, dict) or not view.get("type") or view_error(view) is not None:
            return self._error("invalid_arguments")
        user = self.trigger_user(trigger)
        if user is None:
            return self._error("invalid_trigger_id")
        opened = View(id=self.new_id("V"), view=view, trigger_id=trigger, user=user or None)
        self._state.views[opened.id] = opened
        self.shown_view(opened, updated=False)
        return {"ok": True, "view": self.view_payload(opened)}

    def _views_update(self, params: Json) -> Json:
        view = params.get("view")
        view_id, external_id = _str(params.get("view_id")), _str(params.get("external_id"))
        existing = self._state.views.get(view_id) or next(
            (
                v
                for v in self._state.views.values()
                if external_id and v.view.get("external_id") == external_id
            ),
            None,
        )
        if existing is None:
            return self._error("not_found")
        if not isinstance(view, dict) or not view.get("type"):
            return self._error("invalid_arguments")
        given_hash = _str(params.get("hash"))
        if given_hash and given_hash != existing.hash:
            return self._error("hash_conflict")
        updated = replace(existing, view=view, updates=existing.updates + 1)
        self._state.views[updated.id] = updated
        self.shown_view(updated, updated=True)
        return {"ok": True, "view": self.view_payload(updated)}

    def _apps_connections_open(self, params: Json) -> Json:
        return {"ok": True, "url": self.socket_mode_url}

    def _files_get_upload_url(self, params: Json) -> Json:
        filename, length = _str(params.get("filename")), _str(params.get("length"))
        if not filename or not length.isdigit():
            return self._error("invalid_arguments")
        file_id = self.new_id("F")
        self._state.uploads[file_id] = PendingUpload(name=filename, length=int(length))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: Json) -> Json:
        items = params.get("files")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            return self._error("invalid_arguments")
        channel = _str(params.get("channel_id")) or _str(params.get("channels")).split(",")[0] or None
        thread_ts = _str(params.get("thread_ts")) or None
        if thread_ts and not channel:
            return self._error("invalid_arguments")
        if channel and not self.rooms.may_share(channel):
            return self._error("not_in_channel")  # chat:write.public covers messages, not files
        comment = _str(params.get("initial_comment")) or None
        uploads: list[tuple[str, str, PendingUpload]] = []
        for item in items:
            file_id = _str(item.get("id"))
            upload = self._state.uploads.get(file_id)
            if upload is None or upload.content is None:
                return self._error("file_not_found")
            uploads.append((file_id, _str(item.get("title")) or upload.name, upload))
        files: list[SharedFile] = []
        for file_id, title, upload in uploads:
            del self._state.uploads[file_id]
            files.append(
                SharedFile(file_id, upload.name, title, upload.content or b"", channel, thread_ts, comment)
            )
        self._state.files += files
        message = None
        if channel:
            # Sharing a file posts a message carrying it, as in Slack.
            message = self._post(
                channel,
                comment or "",
                None,
                thread_ts=thread_ts,
                origin="files.completeUploadExternal",
                files=tuple(f.id for f in files),
            )
        self.shown_files(files, message)
        return {"ok": True, "files": [f.payload(self.permalink_base, self.bot_user_id) for f in files]}
