"""What `referat console` shows: Slack's messages, Block Kit and modals as terminal text.

`ConsoleSlack` is the Slack Web API stand-in (bot.console.standin) that prints, as Slack would
show them, the channel messages the bot posts, its replies in a thread, answers only the sender
can see, Block Kit as text with buttons as `[Godkend]`, modals and shared files. It also keeps
what the console needs to go on: who the users are, which messages carry which buttons, which
modal is open. A Web API method it does not know is answered `unknown_method` and reported, so a
new call is noticed rather than silently lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TextIO

from bot.console.kept import KeptState
from bot.console.records import Ephemeral, Json, Message, SharedFile, View
from bot.console.standin import SlackStandIn
from bot.text.hygiene import escape_controls

BOT_USER_ID = "UREFERAT"
BOT_ID = "BREFERAT"
BOT_NAME = "referat"
TEAM_ID = "TKONSOL"
CHANNEL_ID = "CKONSOL"
CHANNEL_NAME = "referat-konsol"
PERMALINK_BASE = "https://referat-konsol.invalid"

DIVIDER = "─" * 40


def user_id_for(name: str) -> str:
    """A stable fake Slack user id for a console name, so the same name is the same user next time."""
    digest = hashlib.sha1(" ".join(name.split()).casefold().encode("utf-8")).hexdigest()
    return "U" + digest[:10].upper()


def _micros(ts: str) -> int:
    """A Slack ts (`1710856800.000123`) as microseconds; 0 for one that is not a ts."""
    head, _, tail = ts.partition(".")
    return int(head) * 1_000_000 + int(tail[:6].ljust(6, "0")) if head.isdigit() and tail.isdigit() else 0


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


def file_line(shared: SharedFile) -> str:
    """`📎 referat-v1.txt (3 412 tegn)`, or bytes for a binary file."""
    try:
        text = shared.content.decode("utf-8")
    except UnicodeDecodeError:
        return f"📎 {shared.name} ({danish_count(len(shared.content))} byte)"
    return f"📎 {shared.name} ({danish_count(len(text))} tegn)"


# --------------------------------------------------------------------------------------------
# The stand-in that prints


class ConsoleSlack(SlackStandIn):
    """The Slack stand-in that shows what the bot sends. `start()`, then point a WebClient at `api_url`."""

    bot_user_id = BOT_USER_ID
    bot_id = BOT_ID
    bot_name = BOT_NAME
    team_id = TEAM_ID
    team_name = "Konsol"
    permalink_base = PERMALINK_BASE

    def __init__(
        self,
        printer: Printer,
        *,
        channel_id: str = CHANNEL_ID,
        channel_name: str = CHANNEL_NAME,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(clock)
        self.printer = printer
        self.channel_id = channel_id
        self.channel_name = channel_name
        self.add_channel(channel_id, channel_name)
        self.current_user = ""  # who is typing: ephemerals to them are "kun synlig for dig"
        self._triggers: dict[str, str] = {}  # trigger_id -> user
        self._trigger_ids = itertools.count(1)
        self._view: View | None = None
        self._view_opened = False

    # --- users, messages, ids (console side) ---------------------------------------------------

    def add_person(self, name: str) -> str:
        """The user id of a console name, added on first use: the same name is the same user."""
        clean = " ".join(name.split())
        uid = user_id_for(clean)
        with self._cond:
            if self.name_of(uid) is None:
                handle = clean.split()[0].casefold() if clean else uid.lower()
                self.add_user(uid, clean, display_name=handle, name=handle)
        return uid

    def record_human(self, user: str, text: str, *, thread_ts: str | None = None) -> Message:
        """A message a console user typed: it exists in the channel like any other."""
        return self.seed_message(self.channel_id, text, user=user, thread_ts=thread_ts)

    def new_trigger(self, user: str) -> str:
        trigger = f"{next(self._trigger_ids)}.{time.time_ns() % 1_000_000}.konsol"
        with self._cond:
            self._triggers[trigger] = user
        return trigger

    def trigger_user(self, trigger_id: str) -> str | None:
        return self._triggers.pop(trigger_id, None)

    def clickable(self, user: str) -> list[Message | Ephemeral]:
        """Messages with buttons that `user` sees, newest first."""
        with self._cond:
            seen: list[Message | Ephemeral] = [m for m in self.messages() if buttons(m.blocks)]
            seen += [e for e in self.ephemerals(user=user) if buttons(e.blocks)]
        return sorted(seen, key=lambda m: m.seq, reverse=True)

    def latest_bot_thread(self) -> str | None:
        """The thread the bot wrote in last (e.g. an answer to a question)."""
        with self._cond:
            for m in reversed(self.messages()):
                if m.user == self.bot_user_id and m.thread_ts:
                    return m.thread_ts
        return None

    def take_opened_view(self) -> View | None:
        """The modal opened since the last call, if any."""
        with self._cond:
            if not self._view_opened:
                return None
            self._view_opened = False
            return self._view

    @property
    def view(self) -> View | None:
        with self._cond:
            return self._view

    def close_view(self) -> None:
        with self._cond:
            self._view = None
            self._view_opened = False

    def restore_view(self, view: View, *, show: bool) -> None:
        """Keep a submitted modal open (the app answered errors) or show its replacement (update)."""
        with self._cond:
            self._view = view
        if show:
            self.printer.emit(self._render_view(view, updated=True))

    # --- kept between sittings (bot.console.kept) ------------------------------------------------

    def kept_state(self) -> KeptState:
        """What Slack would still hold at the next sitting: people, channels, messages, files."""
        with self._cond:
            channels, rooms = self.rooms.kept()
            return KeptState(
                users=json.loads(json.dumps(self._users)),
                channels=channels,
                rooms=rooms,
                messages=list(self._state.messages),
                files=list(self._state.files),
                reactions={key: list(names) for key, names in self._state.reactions.items()},
                scheduled=self.scheduled.kept(),
                canvases=self.canvases.kept(),
            )

    def restore(self, kept: KeptState) -> None:
        """Continue from an earlier sitting: its state back, new ids and ts after the kept ones."""
        with self._cond:
            self._users.update(kept.users)
            self.rooms.restore(kept.channels, kept.rooms)
            self._state.messages = list(kept.messages)
            self._state.files = list(kept.files)
            self._state.reactions = {key: list(names) for key, names in kept.reactions.items()}
            self.scheduled.restore(kept.scheduled)
            self.canvases.restore(kept.canvases)
            self._seq = itertools.count(max((m.seq for m in kept.messages), default=0) + 1)
            ids = [f.id[1:] for f in kept.files if f.id[1:].isdigit()]
            self._ids = itertools.count(max((int(i) for i in ids), default=0) + 1)
            # Message ts must stay unique and later than every kept one, whatever the clock says.
            last = max((_micros(m.ts) for m in kept.messages), default=0)
            self._ts_base = max(self._ts_base, last + 1)
            self._ts_counter = itertools.count(0)

    def has_message(self, channel: str, ts: str) -> bool:
        return self.message(channel, ts) is not None

    # --- rendering -----------------------------------------------------------------------------

    def lines_of(self, text: str, blocks: list[Json] | None) -> list[str]:
        if blocks:
            return blocks_lines(blocks, self.name_of)
        return mrkdwn_text(text, self.name_of).split("\n")

    def show_bot_message(
        self, posted: Message | Ephemeral, *, before: Message | Ephemeral | None = None
    ) -> None:
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

    def _render_view(self, view: View, *, updated: bool = False) -> str:
        what = "ændrede vinduet" if updated else "åbnede et vindue"
        return "\n".join([f"{BOT_NAME} {what} (kun for dig):", *view_lines(view.view, self.name_of)])

    # --- what Slack shows (the stand-in's hooks, called as requests arrive) ----------------------

    def shown_message(self, message: Message, before: Message | None) -> None:
        self.show_bot_message(message, before=before)

    def shown_ephemeral(self, ephemeral: Ephemeral, before: Ephemeral | None) -> None:
        self.show_bot_message(ephemeral, before=before)

    def shown_deleted(self, message: Message | Ephemeral) -> None:
        self.printer.emit(f"{BOT_NAME} slettede en besked.")

    def shown_files(self, files: list[SharedFile], message: Message | None) -> None:
        comment = message.text if message is not None else ""
        lines = ([comment] if comment else []) + [file_line(f) for f in files]
        in_thread = bool(message and message.in_thread)
        notes = ["i tråden"] if in_thread else ([] if message is not None else ["ikke delt i en kanal"])
        self.printer.emit(post_lines(BOT_NAME, notes, lines, in_thread=in_thread))

    def shown_view(self, view: View, *, updated: bool) -> None:
        self._view = view
        if not updated:
            self._view_opened = True
        self.printer.emit(self._render_view(view, updated=updated))

    def shown_reaction(self, channel: str, ts: str, name: str) -> None:
        self.printer.emit(f"{BOT_NAME} reagerede med :{name}:")

    def shown_refusal(self, method: str, error: str) -> None:
        if error == "unknown_method":
            note = f"Appen kaldte {method}, som konsollens Slack ikke kender; svaret er unknown_method."
        elif method == "response_url":
            note = f"Slack afviste svaret til response_url: {error}"
        else:
            note = f"Slack afviste {method}: {error}"
        self.printer.emit(console_note(note))
