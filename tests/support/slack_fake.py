"""A stand-in for Slack's Web API that the integration tests run the bot against.

The bot talks to Slack only through `slack_sdk.WebClient` (directly or via Bolt), so pointing the
client's `base_url` at this local HTTP server exercises the real request encoding, the real error
handling and the real retry handlers, while the tests read back what the bot "said" in Slack.
It refuses what Slack refuses (text and Block Kit limits), can inject faults (rate limits, server
errors, dropped connections, slow answers), and serves `response_url`s and file-upload URLs.

Everything is kept in memory behind one condition variable, so tests wait for the bot's
asynchronous work with `wait_for(...)` instead of sleeping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from bot.console.home_tab import HomeTabs
from bot.console.scheduled import ScheduledMessages, open_conversation

T = TypeVar("T")

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
PERMALINK_BASE = "https://fake.slack"

MAX_TEXT = 4_000
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3_000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_BLOCKS_TEXT = 12_000
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ID_LENGTH = 255
RESPONSE_URL_USES = 5
# How long a test waits for a condition before failing. Generous, because a wait returns as soon as the
# condition holds: only a failing test pays it, and a machine busy with other work does not fail a good one.
WAIT_TIMEOUT = 30.0
KNOWN_BLOCK_TYPES = frozenset(
    {"section", "header", "divider", "context", "actions", "rich_text", "image", "input"}
)

# Bounds that keep a misbehaving test from hanging the run.
MAX_DELAY = 10.0
SOCKET_TIMEOUT = 10.0
MAX_BODY_BYTES = 20 * 1024 * 1024

# Params that slack_sdk sends as JSON strings inside form bodies.
_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")

Json = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Records handed to tests. Frozen, so a snapshot cannot change under a test's feet.


@dataclass(frozen=True)
class ApiCall:
    """One request the fake received, including refused and fault-injected ones."""

    method: str  # Web API method, or "response_url" / "file_upload" for those endpoints
    params: Json
    token: str | None = None
    failed: bool = False  # answered by an injected fault
    error: str | None = None  # the `error` Slack would report, if any
    status: int = 200

    @property
    def ok(self) -> bool:
        return not self.failed and self.error is None


@dataclass(frozen=True)
class FakeMessage:
    channel: str
    ts: str
    text: str
    blocks: list[Json] | None = None
    user: str = BOT_USER_ID
    thread_ts: str | None = None
    reply_broadcast: bool = False
    origin: str = "chat.postMessage"  # or "response_url", "files.completeUploadExternal", "seed"
    edited: bool = False
    files: tuple[str, ...] = ()

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def payload(self) -> Json:
        out: Json = {"type": "message", "ts": self.ts, "text": self.text, "user": self.user}
        if self.user == BOT_USER_ID:
            out["bot_id"] = BOT_ID
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        return out


@dataclass(frozen=True)
class FakeEphemeral:
    channel: str
    user: str
    text: str
    blocks: list[Json] | None = None
    thread_ts: str | None = None
    message_ts: str = ""
    origin: str = "chat.postEphemeral"  # or "response_url"


@dataclass(frozen=True)
class FakeFile:
    id: str
    name: str
    title: str
    content: bytes
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


@dataclass(frozen=True)
class FakeView:
    id: str
    view: Json
    trigger_id: str | None = None
    updates: int = 0


@dataclass(frozen=True)
class FakeResponse:
    """A body POSTed to a `response_url`, accepted (`error is None`) or refused."""

    url: str
    channel: str
    user: str
    body: Json
    error: str | None = None

    @property
    def response_type(self) -> str:
        return str(self.body.get("response_type") or "ephemeral")

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def blocks(self) -> list[Json] | None:
        blocks = self.body.get("blocks")
        return blocks if isinstance(blocks, list) else None

    @property
    def replace_original(self) -> bool:
        return _truthy(self.body.get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return _truthy(self.body.get("delete_original"))


# ---------------------------------------------------------------------------------------------
# Slack's limits, as pure functions so other tests can check rendered blocks against them too.


def message_error(text: object, blocks: object) -> str | None:
    """The error Slack answers for a message with this `text` and `blocks`, or None if accepted."""
    text_str = "" if text is None else str(text)
    if isinstance(blocks, str) and blocks.strip():
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks"
    has_blocks = blocks is not None and blocks != "" and blocks != []
    if not text_str and not has_blocks:
        return "no_text"
    if len(text_str) > MAX_TEXT:
        return "msg_too_long"
    if has_blocks:
        return blocks_error(blocks)
    return None


def blocks_error(blocks: object) -> str | None:
    """The error Slack answers for these `blocks` (a parsed list), or None if accepted."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return "invalid_blocks"
    if len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    seen_ids: set[str] = set()
    for block in blocks:
        if not _block_ok(block):
            return "invalid_blocks"
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id or len(block_id) > MAX_ID_LENGTH:
                return "invalid_blocks"
            if block_id in seen_ids:
                return "invalid_blocks"
            seen_ids.add(block_id)
    if _text_total(blocks) > MAX_BLOCKS_TEXT:
        return "msg_blocks_too_long"
    return None


def _text_obj_ok(obj: object, limit: int, *, plain_only: bool = False) -> bool:
    if not isinstance(obj, dict):
        return False
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    text = obj.get("text")
    return obj.get("type") in allowed and isinstance(text, str) and 0 < len(text) <= limit


def _element_ok(element: object) -> bool:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return False
    if element["type"] == "button":
        action_id = element.get("action_id")
        if not isinstance(action_id, str) or not action_id or len(action_id) > MAX_ID_LENGTH:
            return False
        if not _text_obj_ok(element.get("text"), MAX_BUTTON_TEXT, plain_only=True):
            return False
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE):
            return False
    return True


def _block_ok(block: Json) -> bool:
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        return False
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            return False
        if text is not None and not _text_obj_ok(text, MAX_SECTION_TEXT):
            return False
        if fields is not None and (
            not isinstance(fields, list)
            or len(fields) > MAX_SECTION_FIELDS
            or not all(_text_obj_ok(f, MAX_FIELD_TEXT) for f in fields)
        ):
            return False
        accessory = block.get("accessory")
        return accessory is None or _element_ok(accessory)
    if kind == "header":
        return _text_obj_ok(block.get("text"), MAX_HEADER_TEXT, plain_only=True)
    if kind == "context":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_CONTEXT_ELEMENTS
            and all(
                _text_obj_ok(e, MAX_TEXT)
                or (isinstance(e, dict) and e.get("type") == "image" and "alt_text" in e)
                for e in elements
            )
        )
    if kind == "actions":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_ACTIONS_ELEMENTS
            and all(_element_ok(e) for e in elements)
        )
    if kind == "rich_text":
        return isinstance(block.get("elements"), list)
    if kind == "image":
        return isinstance(block.get("alt_text"), str) and (
            isinstance(block.get("image_url"), str) or isinstance(block.get("slack_file"), dict)
        )
    if kind == "input":
        return _text_obj_ok(block.get("label"), 2_000, plain_only=True) and _element_ok(block.get("element"))
    return True  # divider


def _text_total(node: object) -> int:
    if isinstance(node, list):
        return sum(_text_total(item) for item in node)
    if isinstance(node, dict):
        total = 0
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                total += len(value)
            else:
                total += _text_total(value)
        return total
    return 0


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _valid_ts(ts: str) -> bool:
    head, dot, tail = ts.partition(".")
    return bool(dot) and head.isdigit() and tail.isdigit()


# ---------------------------------------------------------------------------------------------
# Transport.


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: int
    error: str | None
    drop_connection: bool
    delay: float


@dataclass(frozen=True)
class _Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False


def _json_reply(data: Json, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> _Reply:
    return _Reply(status=status, body=json.dumps(data).encode("utf-8"), headers=headers)


@dataclass(frozen=True)
class _ResponseUrl:
    channel: str
    user: str
    message_ts: str | None


@dataclass
class _Upload:
    name: str
    length: int
    content: bytes | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT  # applied to the connection socket by StreamRequestHandler

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the recorded calls are the log

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(_Reply(status=413, body=b"too large", content_type="text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        reply = self.server.fake._route(self.path, self.headers.get_content_type(), body, token)
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


# ---------------------------------------------------------------------------------------------
# The fake.


class FakeSlack:
    """A threaded local Slack Web API. Use as `with FakeSlack() as fake:` or `start()`/`stop()`."""

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._cond = threading.Condition(threading.RLock())
        # Scheduled messages run on the app's clock (the tests' Clock), never the wall clock.
        self.scheduled = ScheduledMessages(clock) if clock is not None else ScheduledMessages()
        self.homes = HomeTabs()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ts_counter = itertools.count(100, 100)
        self._id_counter = itertools.count(1)
        self._users: dict[str, Json] = {}
        self._channels: dict[str, str] = {}
        # Conversations declared by a test: kind ("public", "private", "im", "mpim") and members.
        # One never declared is a public channel of every known user and the bot, as before.
        self._rooms: dict[str, tuple[str, set[str]]] = {}
        # Socket Mode hook: what `apps.connections.open` hands out. Tests point it at a local
        # WebSocket stand-in (tests/ws_fake.py); the default port 1 refuses connections.
        self.socket_mode_url = "ws://127.0.0.1:1/"
        self._clear()
        self._methods: dict[str, Callable[[Json], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "apps.connections.open": self._apps_connections_open,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "chat.scheduleMessage": self.scheduled.schedule,
            "chat.deleteScheduledMessage": self.scheduled.delete,
            "chat.scheduledMessages.list": self.scheduled.list,
            "conversations.open": open_conversation,
            "views.publish": self.homes.publish,
        }

    def _clear(self) -> None:
        self._calls: list[ApiCall] = []
        self._messages: list[FakeMessage] = []
        self._ephemerals: list[FakeEphemeral] = []
        self._files: list[FakeFile] = []
        self._uploads: dict[str, _Upload] = {}
        self._views: dict[str, FakeView] = {}
        self._responses: list[FakeResponse] = []
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._response_uses: dict[str, int] = {}
        self._reactions: dict[tuple[str, str], list[str]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._delayed: dict[str, int] = {}

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        server.timeout = SOCKET_TIMEOUT
        self._server = server
        self._thread = threading.Thread(
            # A short poll keeps stop() (one per test) from adding up to seconds over a run.
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="FakeSlack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # releases injected delays
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # --- test set-up ---------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        real_name: str,
        *,
        display_name: str | None = None,
        name: str | None = None,
        tz: str = "Europe/Copenhagen",
        team_id: str = TEAM_ID,
        guest: bool = False,
        single_channel_guest: bool = False,
    ) -> None:
        """A user; `guest` (is_restricted), `single_channel_guest` (is_ultra_restricted), and
        `team_id` other than T1 for a user of another organisation (Slack Connect)."""
        with self._cond:
            self._users[user_id] = {
                "id": user_id,
                "team_id": team_id,
                "is_restricted": guest or single_channel_guest,
                "is_ultra_restricted": single_channel_guest,
                "name": name or (real_name.split()[0].lower() if real_name.strip() else user_id.lower()),
                "real_name": real_name,
                "deleted": False,
                "is_bot": False,
                "tz": tz,
                "profile": {"real_name": real_name, "display_name": display_name or ""},
            }

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
            self._channels[channel_id] = name
            if members is not None:
                people = set(members) | ({BOT_USER_ID} if bot_member else set())
                self._rooms[channel_id] = ("private" if private else "public", people)

    def add_dm(self, channel_id: str, user_id: str) -> None:
        """The direct message between the bot and one user."""
        with self._cond:
            self._rooms[channel_id] = ("im", {user_id, BOT_USER_ID})

    def add_group_dm(self, channel_id: str, members: Iterable[str]) -> None:
        with self._cond:
            self._rooms[channel_id] = ("mpim", {*members, BOT_USER_ID})

    def join(self, channel_id: str, user_id: str) -> None:
        with self._cond:
            self._rooms[channel_id][1].add(user_id)

    def leave(self, channel_id: str, user_id: str) -> None:
        with self._cond:
            self._rooms[channel_id][1].discard(user_id)

    def _room(self, channel: str) -> tuple[str, set[str]]:
        if channel in self._rooms:
            return self._rooms[channel]
        kind = "im" if channel.startswith("D") else "private" if channel.startswith("G") else "public"
        return kind, {*self._users, BOT_USER_ID}

    def seed_message(
        self, channel: str, text: str, *, user: str, thread_ts: str | None = None
    ) -> FakeMessage:
        """A message a human wrote (so the bot can react to it, link to it or reply in its thread)."""
        with self._cond:
            msg = FakeMessage(
                channel=channel, ts=self._next_ts(), text=text, user=user, thread_ts=thread_ts, origin="seed"
            )
            self._messages.append(msg)
            self._cond.notify_all()
            return msg

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
        drop_connection: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls to `method` fail.

        Precedence: `drop_connection`, then `error` (HTTP 200 with ok=false), then `status`
        (429 with Retry-After, or any other HTTP status). `status=200` with a `delay` only slows the
        call down. `method` may also be "response_url" or "file_upload".
        """
        fault = _Fault(
            status=status,
            retry_after=retry_after,
            error=error,
            drop_connection=drop_connection,
            delay=min(max(delay, 0.0), MAX_DELAY),
        )
        with self._cond:
            self._faults.setdefault(method, []).extend([fault] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        self.fail_next(method, status=200, delay=seconds, times=times)

    def new_response_url(self, channel: str, user: str, *, message_ts: str | None = None) -> str:
        """A `response_url` for an interaction by `user` in `channel` (on message `message_ts`)."""
        with self._cond:
            url_id = f"R{next(self._id_counter):06d}"
            self._response_urls[url_id] = _ResponseUrl(channel=channel, user=user, message_ts=message_ts)
        return f"{self.base_url}/response/{url_id}"

    def reset(self) -> None:
        """Forget everything but the registered users and channels."""
        with self._cond:
            self._clear()
            self._cond.notify_all()

    # --- queries -------------------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def messages(self, channel: str) -> list[FakeMessage]:
        """Top-level messages and thread replies in `channel`, in the order they were posted."""
        with self._cond:
            return [m for m in self._messages if m.channel == channel]

    def thread(self, channel: str, thread_ts: str) -> list[FakeMessage]:
        """The replies in a thread (not its parent), in order."""
        with self._cond:
            return [
                m for m in self._messages if m.channel == channel and m.thread_ts == thread_ts and m.is_reply
            ]

    def message(self, channel: str, ts: str) -> FakeMessage | None:
        with self._cond:
            return next((m for m in self._messages if m.channel == channel and m.ts == ts), None)

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[FakeEphemeral]:
        with self._cond:
            return [
                e
                for e in self._ephemerals
                if (channel is None or e.channel == channel) and (user is None or e.user == user)
            ]

    @property
    def files(self) -> list[FakeFile]:
        with self._cond:
            return list(self._files)

    @property
    def responses(self) -> list[FakeResponse]:
        with self._cond:
            return list(self._responses)

    @property
    def views(self) -> list[FakeView]:
        with self._cond:
            return list(self._views.values())

    def delayed(self, method: str) -> int:
        """How many calls to `method` an injected delay is holding right now."""
        with self._cond:
            return self._delayed.get(method, 0)

    def reactions(self, channel: str, ts: str) -> list[str]:
        with self._cond:
            return list(self._reactions.get((channel, ts), []))

    # --- synchronisation -----------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = WAIT_TIMEOUT) -> T:
        """Return the first truthy `predicate()`, re-evaluated whenever the fake's state changes."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"condition not met within {timeout} s; {self.describe()}")
                self._cond.wait(remaining)

    def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, timeout: float = WAIT_TIMEOUT
    ) -> ApiCall:
        """The first recorded call to `method` (matching `predicate`), waiting for it if need be."""

        def found() -> ApiCall | None:
            return next(
                (c for c in self._calls if c.method == method and (predicate is None or predicate(c))), None
            )

        call = self.wait_for(found, timeout)
        assert call is not None  # wait_for returns only truthy results
        return call

    def describe(self) -> str:
        with self._cond:
            calls = list(self._calls)
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

    # --- request routing (server threads) ------------------------------------------------------

    def _route(self, path: str, content_type: str, body: bytes, token: str | None) -> _Reply:
        url = urlsplit(path)
        if url.path.startswith("/api/"):
            return self._api(url.path[len("/api/") :], url.query, content_type, body, token)
        if url.path.startswith("/upload/"):
            return self._upload(url.path[len("/upload/") :], body)
        if url.path.startswith("/response/"):
            return self._response(url.path[len("/response/") :], content_type, body)
        return _Reply(status=404, body=b"not found", content_type="text/plain")

    def _take_fault(self, key: str) -> _Fault | None:
        with self._cond:
            queue = self._faults.get(key)
            return queue.pop(0) if queue else None

    def _fault_reply(self, key: str) -> _Reply | None:
        """Apply the next injected fault for `key`; None means 'go on and answer normally'."""
        fault = self._take_fault(key)
        if fault is None:
            return None
        if fault.delay:
            with self._cond:
                self._delayed[key] = self._delayed.get(key, 0) + 1
                self._cond.notify_all()
            try:
                self._stopping.wait(fault.delay)
            finally:
                with self._cond:
                    self._delayed[key] = max(self._delayed.get(key, 0) - 1, 0)
        if fault.drop_connection:
            return _Reply(drop=True)
        if fault.error is not None:
            return _json_reply({"ok": False, "error": fault.error})
        if fault.status == 429:
            return _json_reply(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers=(("Retry-After", str(fault.retry_after)),),
            )
        if fault.status != 200:
            return _json_reply({"ok": False, "error": "fatal_error"}, status=fault.status)
        return None

    def _record(self, call: ApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _api(self, method: str, query: str, content_type: str, body: bytes, token: str | None) -> _Reply:
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

        fault_reply = self._fault_reply(method)
        if fault_reply is not None:
            error = "connection_dropped" if fault_reply.drop else json.loads(fault_reply.body).get("error")
            self._record(ApiCall(method, params, token, failed=True, error=error, status=fault_reply.status))
            return fault_reply

        with self._cond:
            handler = self._methods.get(method)
            if parse_error is not None:
                result: Json = {"ok": False, "error": parse_error}
            elif handler is None:
                result = {"ok": False, "error": "unknown_method", "req_method": method}
            elif not token:
                result = {"ok": False, "error": "not_authed"}
            else:
                result = handler(params)
            self._calls.append(ApiCall(method, params, token, error=result.get("error")))
            self._cond.notify_all()
        return _json_reply(result)

    def _upload(self, file_id: str, body: bytes) -> _Reply:
        fault_reply = self._fault_reply("file_upload")
        params: Json = {"file_id": file_id, "length": len(body)}
        if fault_reply is not None:
            self._record(ApiCall("file_upload", params, failed=True, status=fault_reply.status))
            return fault_reply
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None:
                self._calls.append(ApiCall("file_upload", params, error="file_not_found", status=404))
                self._cond.notify_all()
                return _Reply(status=404, body=b"file_not_found", content_type="text/plain")
            upload.content = body
            self._calls.append(ApiCall("file_upload", params))
            self._cond.notify_all()
        return _Reply(body=f"OK - {len(body)}".encode(), content_type="text/plain")

    def _response(self, url_id: str, content_type: str, body: bytes) -> _Reply:
        try:
            loaded = json.loads(body) if content_type == "application/json" else None
        except ValueError:
            loaded = None
        payload: Json = loaded if isinstance(loaded, dict) else {}
        fault_reply = self._fault_reply("response_url")
        if fault_reply is not None:
            self._record(ApiCall("response_url", payload, failed=True, status=fault_reply.status))
            return fault_reply
        with self._cond:
            target = self._response_urls.get(url_id)
            error, status = self._apply_response(url_id, target, payload, loaded)
            self._calls.append(ApiCall("response_url", payload, error=error, status=status))
            if target is not None:
                self._responses.append(
                    FakeResponse(
                        url=f"{self.base_url}/response/{url_id}",
                        channel=target.channel,
                        user=target.user,
                        body=payload,
                        error=error,
                    )
                )
            self._cond.notify_all()
        if error is not None:
            return _json_reply({"ok": False, "error": error}, status=status)
        return _json_reply({"ok": True})

    def _apply_response(
        self, url_id: str, target: _ResponseUrl | None, payload: Json, loaded: object
    ) -> tuple[str | None, int]:
        if target is None:
            return "expired_url", 404
        if not isinstance(loaded, dict):
            return "invalid_payload", 400
        uses = self._response_uses.get(url_id, 0)
        if uses >= RESPONSE_URL_USES:
            return "used_url", 404
        self._response_uses[url_id] = uses + 1
        delete = _truthy(payload.get("delete_original"))
        if not delete:
            error = message_error(payload.get("text"), payload.get("blocks"))
            if error is not None:
                return error, 400
        text = _str(payload.get("text"))
        blocks = payload.get("blocks") or None
        if (
            (delete or _truthy(payload.get("replace_original")))
            and target.message_ts
            and self._replace_original(target, text, blocks, delete=delete)
        ):
            return None, 200
        if delete:
            return None, 200
        thread_ts = _str(payload.get("thread_ts")) or None
        if payload.get("response_type") == "in_channel":
            self._messages.append(
                FakeMessage(
                    channel=target.channel,
                    ts=self._next_ts(),
                    text=text,
                    blocks=blocks,
                    thread_ts=thread_ts,
                    origin="response_url",
                )
            )
        else:
            self._ephemerals.append(
                FakeEphemeral(
                    channel=target.channel,
                    user=target.user,
                    text=text,
                    blocks=blocks,
                    thread_ts=thread_ts,
                    message_ts=self._next_ts(),
                    origin="response_url",
                )
            )
        return None, 200

    def _replace_original(
        self, target: _ResponseUrl, text: str, blocks: list[Json] | None, *, delete: bool
    ) -> bool:
        for i, msg in enumerate(self._messages):
            if msg.channel == target.channel and msg.ts == target.message_ts:
                if delete:
                    del self._messages[i]
                else:
                    self._messages[i] = replace(msg, text=text, blocks=blocks, edited=True)
                return True
        for i, eph in enumerate(self._ephemerals):
            if eph.channel == target.channel and eph.message_ts == target.message_ts:
                if delete:
                    del self._ephemerals[i]
                else:
                    self._ephemerals[i] = replace(eph, text=text, blocks=blocks)
                return True
        return False

    def _next_ts(self) -> str:
        n = next(self._ts_counter)
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):07d}"

    # --- Web API methods (called with the lock held) -------------------------------------------

    @staticmethod
    def _error(error: str) -> Json:
        return {"ok": False, "error": error}

    def _auth_test(self, params: Json) -> Json:
        return {
            "ok": True,
            "url": f"{PERMALINK_BASE}/",
            "team": "Fake",
            "user": "referat",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: Json) -> Json:
        channel = _str(params.get("channel"))
        if not channel:
            return self._error("channel_not_found")
        kind, members = self._room(channel)
        if kind != "public" and BOT_USER_ID not in members:
            return self._error("not_in_channel")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        msg = FakeMessage(
            channel=channel,
            ts=self._next_ts(),
            text=_str(params.get("text")),
            blocks=params.get("blocks") or None,
            thread_ts=_str(params.get("thread_ts")) or None,
            reply_broadcast=_truthy(params.get("reply_broadcast")),
        )
        self._messages.append(msg)
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": msg.payload()}

    def _chat_update(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("ts"))
        if not channel:
            return self._error("channel_not_found")
        index = next((i for i, m in enumerate(self._messages) if m.channel == channel and m.ts == ts), None)
        if index is None:
            return self._error("message_not_found")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        old = self._messages[index]
        # Slack keeps whatever the update leaves out.
        new = replace(
            old,
            text=_str(params["text"]) if "text" in params else old.text,
            blocks=(params.get("blocks") or None) if "blocks" in params else old.blocks,
            edited=True,
        )
        self._messages[index] = new
        return {"ok": True, "channel": channel, "ts": ts, "text": new.text, "message": new.payload()}

    def _chat_post_ephemeral(self, params: Json) -> Json:
        channel, user = _str(params.get("channel")), _str(params.get("user"))
        if not channel:
            return self._error("channel_not_found")
        if not user:
            return self._error("user_not_found")
        error = message_error(params.get("text"), params.get("blocks"))
        if error is not None:
            return self._error(error)
        eph = FakeEphemeral(
            channel=channel,
            user=user,
            text=_str(params.get("text")),
            blocks=params.get("blocks") or None,
            thread_ts=_str(params.get("thread_ts")) or None,
            message_ts=self._next_ts(),
        )
        self._ephemerals.append(eph)
        return {"ok": True, "message_ts": eph.message_ts}

    def _chat_get_permalink(self, params: Json) -> Json:
        channel, ts = _str(params.get("channel")), _str(params.get("message_ts"))
        if not channel:
            return self._error("channel_not_found")
        # Lenient about unknown ts: humans' messages exist in Slack without passing through the fake.
        if not _valid_ts(ts):
            return self._error("message_not_found")
        link = f"{PERMALINK_BASE}/archives/{channel}/p{ts.replace('.', '')}"
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
        names = self._reactions.setdefault((channel, ts), [])
        if name in names:
            return self._error("already_reacted")
        names.append(name)
        return {"ok": True}

    def _users_info(self, params: Json) -> Json:
        user_id = _str(params.get("user"))
        if user_id == BOT_USER_ID:
            return {
                "ok": True,
                "user": {
                    "id": BOT_USER_ID,
                    "name": "referat",
                    "real_name": "Referat",
                    "is_bot": True,
                    "profile": {"real_name": "Referat", "display_name": "referat", "bot_id": BOT_ID},
                },
            }
        user = self._users.get(user_id)
        if user is None:
            return self._error("user_not_found")
        return {"ok": True, "user": json.loads(json.dumps(user))}

    def _conversations_info(self, params: Json) -> Json:
        channel = _str(params.get("channel"))
        if not channel:
            return self._error("channel_not_found")
        kind, members = self._room(channel)
        if kind != "public" and BOT_USER_ID not in members:
            return self._error("channel_not_found")  # Slack hides what the bot is not in
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": self._channels.get(channel, channel.lower()),
                "is_channel": kind in ("public", "private") and not channel.startswith("G"),
                "is_group": channel.startswith("G"),
                "is_im": kind == "im",
                "is_mpim": kind == "mpim",
                "is_private": kind in ("private", "mpim", "im"),
                "is_member": BOT_USER_ID in members,
                "is_archived": False,
            },
        }

    def _conversations_members(self, params: Json) -> Json:
        channel = _str(params.get("channel"))
        if not channel:
            return self._error("channel_not_found")
        kind, members = self._room(channel)
        if kind != "public" and BOT_USER_ID not in members:
            return self._error("channel_not_found")
        return {"ok": True, "members": sorted(members), "response_metadata": {"next_cursor": ""}}

    def _view_payload(self, view: FakeView) -> Json:
        return {
            **view.view,
            "id": view.id,
            "team_id": TEAM_ID,
            "hash": f"{view.id}.{view.updates}",
            "state": {"values": {}},
            "bot_id": BOT_ID,
        }

    def _views_open(self, params: Json) -> Json:
        view = params.get("view")
        if not _str(params.get("trigger_id")):
            return self._error("invalid_trigger_id")
        if not isinstance(view, dict) or not view.get("type"):
            return self._error("invalid_arguments")
        fake_view = FakeView(id=self._next_id("V"), view=view, trigger_id=_str(params["trigger_id"]))
        self._views[fake_view.id] = fake_view
        return {"ok": True, "view": self._view_payload(fake_view)}

    def _views_update(self, params: Json) -> Json:
        view = params.get("view")
        view_id, external_id = _str(params.get("view_id")), _str(params.get("external_id"))
        existing = self._views.get(view_id) or next(
            (v for v in self._views.values() if external_id and v.view.get("external_id") == external_id),
            None,
        )
        if existing is None:
            return self._error("not_found")
        if not isinstance(view, dict) or not view.get("type"):
            return self._error("invalid_arguments")
        given_hash = _str(params.get("hash"))
        if given_hash and given_hash != f"{existing.id}.{existing.updates}":
            return self._error("hash_conflict")
        updated = replace(existing, view=view, updates=existing.updates + 1)
        self._views[updated.id] = updated
        return {"ok": True, "view": self._view_payload(updated)}

    def _apps_connections_open(self, params: Json) -> Json:
        return {"ok": True, "url": self.socket_mode_url}

    def _files_get_upload_url(self, params: Json) -> Json:
        filename, length = _str(params.get("filename")), _str(params.get("length"))
        if not filename or not length.isdigit():
            return self._error("invalid_arguments")
        file_id = self._next_id("F")
        self._uploads[file_id] = _Upload(name=filename, length=int(length))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: Json) -> Json:
        items = params.get("files")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            return self._error("invalid_arguments")
        channel = _str(params.get("channel_id")) or _str(params.get("channels")).split(",")[0] or None
        thread_ts = _str(params.get("thread_ts")) or None
        if thread_ts and not channel:
            return self._error("invalid_arguments")
        comment = _str(params.get("initial_comment")) or None
        uploads: list[tuple[str, str, _Upload]] = []
        for item in items:
            file_id = _str(item.get("id"))
            upload = self._uploads.get(file_id)
            if upload is None or upload.content is None:
                return self._error("file_not_found")
            uploads.append((file_id, _str(item.get("title")) or upload.name, upload))
        shared: list[Json] = []
        for file_id, title, upload in uploads:
            del self._uploads[file_id]
            self._files.append(
                FakeFile(
                    id=file_id,
                    name=upload.name,
                    title=title,
                    content=upload.content or b"",
                    channel=channel,
                    thread_ts=thread_ts,
                    initial_comment=comment,
                )
            )
            shared.append(
                {
                    "id": file_id,
                    "name": upload.name,
                    "title": title,
                    "size": len(upload.content or b""),
                    "permalink": f"{PERMALINK_BASE}/files/{BOT_USER_ID}/{file_id}/{upload.name}",
                    "channels": [channel] if channel else [],
                }
            )
        if channel:
            # Sharing a file posts a message carrying it, as in Slack.
            self._messages.append(
                FakeMessage(
                    channel=channel,
                    ts=self._next_ts(),
                    text=comment or "",
                    thread_ts=thread_ts,
                    origin="files.completeUploadExternal",
                    files=tuple(f["id"] for f in shared),
                )
            )
        return {"ok": True, "files": shared}


__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "ApiCall",
    "FakeEphemeral",
    "FakeFile",
    "FakeMessage",
    "FakeResponse",
    "FakeSlack",
    "FakeView",
    "blocks_error",
    "message_error",
]
