"""The Slack that `referat console` runs the real app against: a tiny local Web API that prints.

The bot talks to Slack only through `slack_sdk.WebClient`, so pointing the client's `base_url` at
this loopback server runs the very same listeners, requests and error handling as in production,
while every message the bot sends is shown in the terminal the way Slack would show it: channel
messages, replies in a thread, answers only the sender can see, Block Kit as text with buttons as
`[Godkend]`, modals, uploaded files. It keeps just enough state for the console to go on from
there: who the users are, which messages carry which buttons, which modal is open, the files.

Standard library only, bound to 127.0.0.1 on a free port, daemon threads, bounded bodies and
socket timeouts; `stop()` closes it. It knows the Web API methods the app uses; any other method
is answered `unknown_method` and reported, so a new call is noticed rather than silently lost.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from bot.console.home_tab import HomeTabs
from bot.console.scheduled import ScheduledMessages, open_conversation
from bot.text.hygiene import escape_controls

Json = dict[str, Any]

BOT_USER_ID = "UREFERAT"
BOT_ID = "BREFERAT"
BOT_NAME = "referat"
TEAM_ID = "TKONSOL"
CHANNEL_ID = "CKONSOL"
CHANNEL_NAME = "referat-konsol"
PERMALINK_BASE = "https://referat-konsol.invalid"

MAX_TEXT = 4_000
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3_000
MAX_BODY_BYTES = 20 * 1024 * 1024
SOCKET_TIMEOUT = 10.0

# slack_sdk sends these parameters as JSON strings inside form bodies.
_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")

DIVIDER = "─" * 40


def user_id_for(name: str) -> str:
    """A stable fake Slack user id for a console name, so the same name is the same user next time."""
    digest = hashlib.sha1(" ".join(name.split()).casefold().encode("utf-8")).hexdigest()
    return "U" + digest[:10].upper()


def danish_count(number: int) -> str:
    """`3 412`: Danish groups thousands with a space."""
    return f"{number:,}".replace(",", " ")


# --------------------------------------------------------------------------------------------
# Output


class Printer:
    """Writes to the terminal from any thread; can hold output back while an answer is pending.

    The console holds output while Bolt dispatches a request, prints the acknowledgement (the
    answer Slack shows first), then releases what the listener sent meanwhile, in arrival order.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._held: list[str] | None = None
        self._front: list[str] = []
        self._front_thread: int | None = None

    def emit(self, text: str) -> None:
        with self._lock:
            if self._held is None:
                self._write(text)
            elif self._front_thread == threading.get_ident():
                self._front.append(text)
            else:
                self._held.append(text)

    @contextlib.contextmanager
    def first(self) -> Iterator[None]:
        """While held, what this thread emits goes before what other threads sent meanwhile."""
        with self._lock:
            self._front_thread = threading.get_ident()
        try:
            yield
        finally:
            with self._lock:
                self._front_thread = None

    def hold(self) -> None:
        with self._lock:
            if self._held is None:
                self._held = []

    def release(self) -> None:
        with self._lock:
            held, self._held = [*self._front, *(self._held or [])], None
            self._front = []
            for text in held:
                self._write(text)

    def _write(self, text: str) -> None:
        # Stored text may predate input hygiene (or come from an import): no escape reaches the terminal.
        self._out.write(escape_controls(text, keep_layout=True) + "\n")
        self._out.flush()


def post_lines(speaker: str, notes: list[str], lines: list[str], *, in_thread: bool = False) -> str:
    """`referat (kun synlig for dig): …` with following lines indented under it."""
    prefix = ("  ↳ " if in_thread else "") + speaker + (f" ({', '.join(notes)})" if notes else "") + ": "
    indent = "    " if in_thread else "  "
    body = lines or [""]
    out = [prefix + body[0]] + [indent + line if line.strip() else "" for line in body[1:]]
    return "\n".join(line.rstrip() for line in out)


UPDATE_IN_FULL = 12  # an updated message longer than this shows only what changed


def changed_lines(old: list[str], new: list[str]) -> list[str]:
    """An updated message as the lines that changed, `…` for unchanged runs, its first line kept.

    The whole referat is printed when it is posted; printing it again for every approval would
    bury the one line that changed.
    """
    if len(new) <= UPDATE_IN_FULL:
        return new
    out: list[str] = []
    changed = False
    for tag, _, _, start, end in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        run = new[start:end]
        if tag != "equal":
            out += run
            changed = changed or tag != "delete"
            continue
        if start == 0:
            out.append(run[0])
            run = run[1:]
        if len(run) == 1 and run[0].strip():
            out += run
        elif run:
            out.append("…")
    return out if changed else [new[0], "… (uændret)"]


def console_note(text: str) -> str:
    """A line from the console itself, not from Slack."""
    return "\n".join(f"(konsol) {line}" if line else "" for line in text.split("\n"))


# --------------------------------------------------------------------------------------------
# Block Kit and mrkdwn as terminal text

_ANGLE = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}


def mrkdwn_text(text: str, name_of: Callable[[str], str | None]) -> str:
    """Slack's markup as a terminal shows it: mentions by name, links by label, entities decoded."""

    def angle(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            if user == BOT_USER_ID:
                return "@" + BOT_NAME
            return "@" + (name_of(user) or label or user)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if target.startswith(PERMALINK_BASE):
            # The linked message is right above in the terminal; its made-up address helps nobody.
            return label or "(link)"
        return f"{label} ({target})" if label else target

    return _ENTITY.sub(lambda m: _UNESCAPED[m.group(1)], _ANGLE.sub(angle, text))


def _plain(obj: object) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text") or "")
    return ""


def _element(element: Mapping[str, Any], name_of: Callable[[str], str | None]) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{_plain(element.get('text'))}]"
    if kind in ("mrkdwn", "plain_text"):
        text = str(element.get("text") or "")
        return mrkdwn_text(text, name_of) if kind == "mrkdwn" else text
    if kind == "image":
        return f"[billede: {element.get('alt_text') or ''}]"
    if kind in ("static_select", "users_select", "conversations_select", "multi_static_select"):
        return f"[▾ {_plain(element.get('placeholder')) or 'vælg'}]"
    if kind == "overflow":
        return "[…]"
    if kind == "plain_text_input":
        return "[tekstfelt, flere linjer]" if element.get("multiline") else "[tekstfelt]"
    return f"[{kind}]"


def _rich_text(node: object, name_of: Callable[[str], str | None]) -> str:
    if isinstance(node, Mapping):
        kind = node.get("type")
        if kind == "text":
            return str(node.get("text") or "")
        if kind == "user":
            uid = str(node.get("user_id") or "")
            return "@" + (BOT_NAME if uid == BOT_USER_ID else (name_of(uid) or uid))
        if kind == "link":
            return str(node.get("text") or node.get("url") or "")
        inner = "".join(_rich_text(child, name_of) for child in node.get("elements") or [])
        return inner + ("\n" if kind in ("rich_text_section", "rich_text_preformatted") else "")
    return ""


def block_lines(block: Mapping[str, Any], name_of: Callable[[str], str | None]) -> list[str]:
    """One Block Kit block as terminal lines."""
    kind = block.get("type")
    if kind == "header":
        return [f"== {_plain(block.get('text'))} =="]
    if kind == "divider":
        return [DIVIDER]
    if kind == "section":
        lines: list[str] = []
        text = block.get("text")
        if isinstance(text, Mapping):
            lines += _element(text, name_of).split("\n")
        for item in block.get("fields") or []:
            lines += ["  " + line for line in _element(item, name_of).split("\n")]
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            lines.append(_element(accessory, name_of))
        return lines
    if kind == "context":
        return [" · ".join(_element(e, name_of) for e in block.get("elements") or [])]
    if kind == "actions":
        return [" ".join(_element(e, name_of) for e in block.get("elements") or [])]
    if kind == "input":
        element = block.get("element") or {}
        optional = " (valgfrit)" if block.get("optional") else ""
        return [f"{_plain(block.get('label'))}{optional}: {_element(element, name_of)}"]
    if kind == "image":
        return [f"[billede: {block.get('alt_text') or ''}]"]
    if kind == "rich_text":
        return _rich_text(block, name_of).rstrip("\n").split("\n")
    return [f"[{kind}]"]


def blocks_lines(blocks: list[Json], name_of: Callable[[str], str | None]) -> list[str]:
    """Blocks as lines; consecutive sections keep the blank line the referat's paragraphs had."""
    lines: list[str] = []
    previous: object = None
    for block in blocks:
        kind = block.get("type")
        if lines and kind == "section" and previous == "section":
            lines.append("")
        lines += block_lines(block, name_of)
        previous = kind
    return lines


def buttons(blocks: list[Json] | None) -> list[tuple[str, Json]]:
    """`(block_id, button)` for every button in the blocks (in actions blocks and accessories)."""
    found: list[tuple[str, Json]] = []
    for block in blocks or []:
        block_id = str(block.get("block_id") or "")
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            elements.append(accessory)
        found += [(block_id, e) for e in elements if isinstance(e, dict) and e.get("type") == "button"]
    return found


def view_lines(view: Mapping[str, Any], name_of: Callable[[str], str | None]) -> list[str]:
    """A modal drawn as a box: title, its blocks, and its buttons."""
    title = _plain(view.get("title"))
    inner = blocks_lines(list(view.get("blocks") or []), name_of)
    actions = " ".join(f"[{_plain(view.get(k))}]" for k in ("submit", "close") if view.get(k))
    return [f"┌ {title}", *[f"│ {line}" if line else "│" for line in inner], f"└ {actions}".rstrip()]


def _message_error(text: str, blocks: object) -> str | None:
    """What Slack would refuse (the limits the app must keep), so the console shows it too."""
    if not text and not blocks:
        return "no_text"
    if len(text) > MAX_TEXT:
        return "msg_too_long"
    if blocks is not None and not isinstance(blocks, list):
        return "invalid_blocks"
    if isinstance(blocks, list):
        if len(blocks) > MAX_BLOCKS:
            return "invalid_blocks"
        for block in blocks:
            text_obj = block.get("text") if isinstance(block, dict) else None
            if isinstance(text_obj, dict) and len(str(text_obj.get("text") or "")) > MAX_SECTION_TEXT:
                return "invalid_blocks"
    return None


# --------------------------------------------------------------------------------------------
# State


@dataclass
class Posted:
    """A message as the console's Slack holds it (channel, thread, or ephemeral)."""

    seq: int
    channel: str
    ts: str
    text: str
    blocks: list[Json] | None
    user: str
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # the only user who sees it
    files: tuple[str, ...] = ()

    @property
    def in_thread(self) -> bool:
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
class UploadedFile:
    id: str
    name: str
    title: str
    content: bytes
    channel: str | None
    thread_ts: str | None

    def describe(self) -> str:
        """`📎 referat-v1.txt (3 412 tegn)`, or bytes for a binary file."""
        try:
            text = self.content.decode("utf-8")
        except UnicodeDecodeError:
            return f"📎 {self.name} ({danish_count(len(self.content))} byte)"
        return f"📎 {self.name} ({danish_count(len(text))} tegn)"


@dataclass
class OpenView:
    id: str
    view: Json
    user: str | None
    updates: int = 0

    @property
    def hash(self) -> str:
        return f"{self.id}.{self.updates}"


@dataclass(frozen=True)
class _ResponseUrl:
    channel: str
    user: str
    message_ts: str | None
    thread_ts: str | None


@dataclass
class _Upload:
    name: str
    length: int
    content: bytes | None = None


@dataclass
class _State:
    messages: list[Posted] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    uploads: dict[str, _Upload] = field(default_factory=dict)
    response_urls: dict[str, _ResponseUrl] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)  # trigger_id -> user
    view: OpenView | None = None
    view_opened: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    slack: ConsoleSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # what matters is printed as Slack would show it

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(413, "text/plain", b"too large")
            return
        body = self.rfile.read(length) if length else b""
        status, content_type, reply = self.server.slack.route(
            self.path, self.headers.get_content_type(), body
        )
        self._send(status, content_type, reply)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ConsoleSlack:
    """A local Slack Web API that shows what the bot sends. `start()`, then point a WebClient at `api_url`."""

    def __init__(
        self, printer: Printer, *, channel_id: str = CHANNEL_ID, channel_name: str = CHANNEL_NAME
    ) -> None:
        self.printer = printer
        self.channel_id = channel_id
        self.channel_name = channel_name
        self.current_user = ""  # who is typing: ephemerals to them are "kun synlig for dig"
        self._lock = threading.RLock()
        self._state = _State()
        self._users: dict[str, str] = {}  # id -> name
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        # Message ts are microseconds from now on, one apart: unique within a run, and later than
        # the threads an earlier run stored in the same database.
        self._ts_base = time.time_ns() // 1_000
        self._ts_counter = itertools.count(0)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # Reminders the bot schedules; the console sets the app's clock here.
        self.scheduled = ScheduledMessages()
        self.homes = HomeTabs()

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> ConsoleSlack:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.slack = self
        server.timeout = SOCKET_TIMEOUT
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="console-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=SOCKET_TIMEOUT)
            self._thread = None

    def __enter__(self) -> ConsoleSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    # --- users, messages, ids (console side) ---------------------------------------------------

    def add_user(self, name: str) -> str:
        clean = " ".join(name.split())
        uid = user_id_for(clean)
        with self._lock:
            self._users.setdefault(uid, clean)
        return uid

    def name_of(self, user_id: str) -> str | None:
        if user_id == BOT_USER_ID:
            return BOT_NAME
        with self._lock:
            return self._users.get(user_id)

    def users(self) -> dict[str, str]:
        """Console users by id."""
        with self._lock:
            return dict(self._users)

    def new_ts(self) -> str:
        micros = self._ts_base + next(self._ts_counter)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):07d}"

    def record_human(self, user: str, text: str, *, thread_ts: str | None = None) -> Posted:
        """A message a console user typed: it exists in the channel like any other."""
        with self._lock:
            posted = Posted(next(self._seq), self.channel_id, self.new_ts(), text, None, user, thread_ts)
            self._state.messages.append(posted)
            return posted

    def new_response_url(
        self, user: str, *, message_ts: str | None = None, thread_ts: str | None = None
    ) -> str:
        url_id = self.new_id("R")
        with self._lock:
            self._state.response_urls[url_id] = _ResponseUrl(self.channel_id, user, message_ts, thread_ts)
        return f"{self.base_url}/response/{url_id}"

    def new_trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.{time.time_ns() % 1_000_000}.konsol"
        with self._lock:
            self._state.triggers[trigger] = user
        return trigger

    def clickable(self, user: str) -> list[Posted]:
        """Messages with buttons that `user` sees, newest first."""
        with self._lock:
            seen = [m for m in self._state.messages if m.ephemeral_to in (None, user) and buttons(m.blocks)]
        return sorted(seen, key=lambda m: m.seq, reverse=True)

    def latest_bot_thread(self) -> str | None:
        """The thread the bot wrote in last (e.g. an answer to a question)."""
        with self._lock:
            for m in reversed(self._state.messages):
                if m.user == BOT_USER_ID and m.ephemeral_to is None and m.thread_ts:
                    return m.thread_ts
        return None

    def take_opened_view(self) -> OpenView | None:
        """The modal opened since the last call, if any."""
        with self._lock:
            if not self._state.view_opened:
                return None
            self._state.view_opened = False
            return self._state.view

    @property
    def view(self) -> OpenView | None:
        with self._lock:
            return self._state.view

    def close_view(self) -> None:
        with self._lock:
            self._state.view = None
            self._state.view_opened = False

    def restore_view(self, view: OpenView, *, show: bool) -> None:
        """Keep a submitted modal open (the app answered errors) or show its replacement (update)."""
        with self._lock:
            self._state.view = view
        if show:
            self.printer.emit(self._render_view(view, updated=True))

    def files(self) -> list[UploadedFile]:
        with self._lock:
            return list(self._state.files)

    def messages(self) -> list[Posted]:
        with self._lock:
            return list(self._state.messages)

    # --- rendering -----------------------------------------------------------------------------

    def lines_of(self, text: str, blocks: list[Json] | None) -> list[str]:
        if blocks:
            return blocks_lines(blocks, self.name_of)
        return mrkdwn_text(text, self.name_of).split("\n")

    def show_bot_message(self, posted: Posted, *, before: Posted | None = None) -> None:
        notes: list[str] = []
        if posted.ephemeral_to is not None:
            who = self.name_of(posted.ephemeral_to) or posted.ephemeral_to
            notes.append(
                "kun synlig for dig" if posted.ephemeral_to == self.current_user else f"kun synlig for {who}"
            )
        if posted.in_thread:
            notes.append("i tråden")
        lines = self.lines_of(posted.text, posted.blocks)
        if before is not None:
            notes.append("opdateret")
            lines = changed_lines(self.lines_of(before.text, before.blocks), lines)
        self.printer.emit(post_lines(BOT_NAME, notes, lines, in_thread=posted.in_thread))

    def show_ack(self, text: str, blocks: list[Json] | None, *, in_channel: bool = False) -> None:
        """The answer that comes with the acknowledgement of a slash command or click."""
        notes = [] if in_channel else ["kun synlig for dig"]
        self.printer.emit(post_lines(BOT_NAME, notes, self.lines_of(text, blocks)))

    def _render_view(self, view: OpenView, *, updated: bool = False) -> str:
        what = "ændrede vinduet" if updated else "åbnede et vindue"
        return "\n".join([f"{BOT_NAME} {what} (kun for dig):", *view_lines(view.view, self.name_of)])

    def _note(self, text: str) -> None:
        self.printer.emit(console_note(text))

    # --- HTTP (server threads) -----------------------------------------------------------------

    def route(self, path: str, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        url = urlsplit(path)
        if url.path.startswith("/api/"):
            params = _params(url.query, content_type, body)
            result = self._api(url.path[len("/api/") :], params)
            return 200, "application/json; charset=utf-8", json.dumps(result).encode("utf-8")
        if url.path.startswith("/upload/"):
            return self._upload(url.path[len("/upload/") :], body)
        if url.path.startswith("/response/"):
            return self._response(url.path[len("/response/") :], content_type, body)
        return 404, "text/plain", b"not found"

    def _api(self, method: str, params: Json) -> Json:
        handler = self._methods().get(method)
        if handler is None:
            self._note(f"Appen kaldte {method}, som konsollens Slack ikke kender; svaret er unknown_method.")
            return {"ok": False, "error": "unknown_method"}
        result = handler(params)
        if not result.get("ok"):
            self._note(f"Slack afviste {method}: {result.get('error')}")
        return result

    def _methods(self) -> dict[str, Callable[[Json], Json]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "chat.getPermalink": self._permalink,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "reactions.add": self._reactions_add,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_open,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "chat.scheduleMessage": self._locked(self.scheduled.schedule),
            "chat.deleteScheduledMessage": self._locked(self.scheduled.delete),
            "chat.scheduledMessages.list": self._locked(self.scheduled.list),
            "conversations.open": open_conversation,
            "views.publish": self._locked(self.homes.publish),
        }

    def _conversations_members(self, params: Json) -> Json:
        # The console is one public channel that every console user is in, with the bot.
        return {"ok": True, "members": [BOT_USER_ID, *self.users()], "response_metadata": {"next_cursor": ""}}

    def _locked(self, method: Callable[[Json], Json]) -> Callable[[Json], Json]:
        def call(params: Json) -> Json:
            with self._lock:
                return method(params)

        return call

    def _auth_test(self, params: Json) -> Json:
        return {
            "ok": True,
            "url": PERMALINK_BASE + "/",
            "team": "Konsol",
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: Json) -> Json:
        text, blocks = str(params.get("text") or ""), params.get("blocks") or None
        error = _message_error(text, blocks)
        if error:
            return {"ok": False, "error": error}
        channel = str(params.get("channel") or self.channel_id)
        with self._lock:
            posted = Posted(
                next(self._seq),
                channel,
                self.new_ts(),
                text,
                blocks,
                BOT_USER_ID,
                thread_ts=str(params.get("thread_ts") or "") or None,
            )
            self._state.messages.append(posted)
        self.show_bot_message(posted)
        return {"ok": True, "channel": channel, "ts": posted.ts, "message": posted.payload()}

    def _post_ephemeral(self, params: Json) -> Json:
        text, blocks = str(params.get("text") or ""), params.get("blocks") or None
        user = str(params.get("user") or "")
        if not user:
            return {"ok": False, "error": "user_not_found"}
        error = _message_error(text, blocks)
        if error:
            return {"ok": False, "error": error}
        with self._lock:
            posted = Posted(
                next(self._seq),
                str(params.get("channel") or self.channel_id),
                self.new_ts(),
                text,
                blocks,
                BOT_USER_ID,
                thread_ts=str(params.get("thread_ts") or "") or None,
                ephemeral_to=user,
            )
            self._state.messages.append(posted)
        self.show_bot_message(posted)
        return {"ok": True, "message_ts": posted.ts}

    def _find(self, ts: str) -> int | None:
        return next((i for i, m in enumerate(self._state.messages) if m.ts == ts), None)

    def _replace(self, ts: str, text: str, blocks: list[Json] | None) -> tuple[Posted, Posted] | None:
        with self._lock:
            index = self._find(ts)
            if index is None:
                return None
            old = self._state.messages[index]
            new = replace(old, text=text, blocks=blocks)
            self._state.messages[index] = new
            return old, new

    def _update(self, params: Json) -> Json:
        ts = str(params.get("ts") or "")
        with self._lock:
            index = self._find(ts)
            if index is None:
                return {"ok": False, "error": "message_not_found"}
            old = self._state.messages[index]
            text = str(params["text"]) if "text" in params else old.text
            blocks = (params.get("blocks") or None) if "blocks" in params else old.blocks
            error = _message_error(text, blocks)
            if error:
                return {"ok": False, "error": error}
            new = replace(old, text=text, blocks=blocks)
            self._state.messages[index] = new
        self.show_bot_message(new, before=old)
        return {"ok": True, "channel": new.channel, "ts": ts, "text": new.text, "message": new.payload()}

    def _delete(self, params: Json) -> Json:
        with self._lock:
            index = self._find(str(params.get("ts") or ""))
            if index is None:
                return {"ok": False, "error": "message_not_found"}
            del self._state.messages[index]
        self.printer.emit(f"{BOT_NAME} slettede en besked.")
        return {"ok": True}

    def _permalink(self, params: Json) -> Json:
        channel, ts = str(params.get("channel") or ""), str(params.get("message_ts") or "")
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"{PERMALINK_BASE}/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _users_info(self, params: Json) -> Json:
        uid = str(params.get("user") or "")
        name = self.name_of(uid)
        if name is None:
            return {"ok": False, "error": "user_not_found"}
        handle = name.split()[0].casefold() if name.split() else uid.lower()
        profile = {"real_name": name, "display_name": handle, "real_name_normalized": name}
        user = {
            "id": uid,
            "team_id": TEAM_ID,
            "name": handle,
            "real_name": name,
            "is_bot": uid == BOT_USER_ID,
            "tz": "Europe/Copenhagen",
            "profile": profile,
        }
        return {"ok": True, "user": user}

    def _conversations_info(self, params: Json) -> Json:
        channel = str(params.get("channel") or "")
        name = self.channel_name if channel == self.channel_id else channel.lower()
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": name,
                "is_channel": True,
                "is_member": True,
                "is_private": False,
            },
        }

    def _reactions_add(self, params: Json) -> Json:
        name = str(params.get("name") or "").strip(":")
        if not name:
            return {"ok": False, "error": "invalid_name"}
        self.printer.emit(f"{BOT_NAME} reagerede med :{name}:")
        return {"ok": True}

    def _views_open(self, params: Json) -> Json:
        view = params.get("view")
        trigger = str(params.get("trigger_id") or "")
        if not isinstance(view, dict) or not view.get("type"):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            user = self._state.triggers.pop(trigger, None)
            if user is None:
                return {"ok": False, "error": "invalid_trigger_id"}
            opened = OpenView(self.new_id("V"), view, user)
            self._state.view, self._state.view_opened = opened, True
        self.printer.emit(self._render_view(opened))
        return {"ok": True, "view": _view_payload(opened)}

    def _views_update(self, params: Json) -> Json:
        view = params.get("view")
        with self._lock:
            current = self._state.view
            if current is None or str(params.get("view_id") or current.id) != current.id:
                return {"ok": False, "error": "not_found"}
            if not isinstance(view, dict):
                return {"ok": False, "error": "invalid_arguments"}
            given = str(params.get("hash") or "")
            if given and given != current.hash:
                return {"ok": False, "error": "hash_conflict"}
            updated = replace(current, view=view, updates=current.updates + 1)
            self._state.view = updated
        self.printer.emit(self._render_view(updated, updated=True))
        return {"ok": True, "view": _view_payload(updated)}

    def _upload_url(self, params: Json) -> Json:
        name, length = str(params.get("filename") or ""), str(params.get("length") or "")
        if not name or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self.new_id("F")
        with self._lock:
            self._state.uploads[file_id] = _Upload(name, int(length))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, body: bytes) -> tuple[int, str, bytes]:
        with self._lock:
            upload = self._state.uploads.get(file_id)
            if upload is None:
                return 404, "text/plain", b"file_not_found"
            upload.content = body
        return 200, "text/plain", f"OK - {len(body)}".encode()

    def _complete_upload(self, params: Json) -> Json:
        items = params.get("files")
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        channel = (
            str(params.get("channel_id") or "") or str(params.get("channels") or "").split(",")[0] or None
        )
        thread_ts = str(params.get("thread_ts") or "") or None
        comment = str(params.get("initial_comment") or "")
        shared: list[UploadedFile] = []
        with self._lock:
            for item in items:
                file_id = str(item.get("id") or "") if isinstance(item, dict) else ""
                upload = self._state.uploads.pop(file_id, None)
                if upload is None or upload.content is None:
                    return {"ok": False, "error": "file_not_found"}
                title = str(item.get("title") or "") or upload.name
                shared.append(UploadedFile(file_id, upload.name, title, upload.content, channel, thread_ts))
            self._state.files += shared
            posted = None
            if channel:
                posted = Posted(
                    next(self._seq),
                    channel,
                    self.new_ts(),
                    comment,
                    None,
                    BOT_USER_ID,
                    thread_ts=thread_ts,
                    files=tuple(f.id for f in shared),
                )
                self._state.messages.append(posted)
        lines = ([comment] if comment else []) + [f.describe() for f in shared]
        in_thread = bool(posted and posted.in_thread)
        notes = ["i tråden"] if in_thread else ([] if channel else ["ikke delt i en kanal"])
        self.printer.emit(post_lines(BOT_NAME, notes, lines, in_thread=in_thread))
        files = [{"id": f.id, "name": f.name, "title": f.title, "size": len(f.content)} for f in shared]
        return {"ok": True, "files": files}

    def _response(self, url_id: str, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        def answer(status: int, data: Json) -> tuple[int, str, bytes]:
            return status, "application/json", json.dumps(data).encode("utf-8")

        with self._lock:
            target = self._state.response_urls.get(url_id)
        if target is None:
            return answer(404, {"ok": False, "error": "expired_url"})
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return answer(400, {"ok": False, "error": "invalid_payload"})
        text, blocks = str(payload.get("text") or ""), payload.get("blocks") or None
        if _truthy(payload.get("delete_original")):
            self._delete({"ts": target.message_ts or ""})
            return answer(200, {"ok": True})
        error = _message_error(text, blocks)
        if error:
            self._note(f"Slack afviste svaret til response_url: {error}")
            return answer(400, {"ok": False, "error": error})
        if _truthy(payload.get("replace_original")) and target.message_ts:
            replaced = self._replace(target.message_ts, text, blocks)
            if replaced is not None:
                self.show_bot_message(replaced[1], before=replaced[0])
                return answer(200, {"ok": True})
        thread_ts = str(payload.get("thread_ts") or "") or target.thread_ts
        in_channel = payload.get("response_type") == "in_channel"
        with self._lock:
            posted = Posted(
                next(self._seq),
                target.channel,
                self.new_ts(),
                text,
                blocks,
                BOT_USER_ID,
                thread_ts=thread_ts,
                ephemeral_to=None if in_channel else target.user,
            )
            self._state.messages.append(posted)
        self.show_bot_message(posted)
        return answer(200, {"ok": True})


def _view_payload(view: OpenView) -> Json:
    return {**view.view, "id": view.id, "team_id": TEAM_ID, "hash": view.hash, "state": {"values": {}}}


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _params(query: str, content_type: str, body: bytes) -> Json:
    params: Json = dict(parse_qsl(query, keep_blank_values=True))
    if content_type == "application/json" and body:
        with contextlib.suppress(ValueError):
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                params.update(loaded)
    elif body:
        with contextlib.suppress(UnicodeDecodeError, ValueError):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in _JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params
