"""What the console's Slack keeps between sittings: a file beside the database.

In Slack the channel, its messages and threads, the people and the files the bot shared outlive
the bot; the console's stand-in (bot.console.standin) lives only as long as one `referat console`.
A meeting is normally logged over several sittings, and the draft's thread, its buttons and the
approvals given in it must still be there in the next one. So the stand-in's state is written to
`<REFERAT_DB>.console.json` after every message the console handles, and read back at the start.

A file of its own, not a table in the database: it is Slack's state, not the bot's. The database
holds exactly what the bot keeps in production (where Slack keeps the rest), so no migration
carries a fake Slack into a real deployment, storage/ stays the bot's, and deleting the file is how
to start the console's Slack afresh while keeping every meeting. It is written whole to a temporary
file and renamed over the old one, so an interrupted write never leaves half a state.

Conversions only, records to JSON and back; `ConsoleSlack` (bot.console.screen) applies them.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.console.records import Json, Message, SharedFile

VERSION = 1
SUFFIX = ".console.json"


def path_for(db_path: Path) -> Path:
    """`referat.db` → `referat.db.console.json`, beside it."""
    return db_path.with_name(db_path.name + SUFFIX)


class KeptStateUnusable(Exception):
    """The file is there but cannot be read back (damaged, or written by another version)."""


@dataclass
class KeptState:
    """The stand-in's lasting state: what Slack would still hold at the next sitting."""

    users: dict[str, Json] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    files: list[SharedFile] = field(default_factory=list)
    reactions: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    scheduled: list[Json] = field(default_factory=list)
    canvases: list[Json] = field(default_factory=list)  # the live referat's canvas, among others

    def to_json(self) -> Json:
        return {
            "version": VERSION,
            "users": self.users,
            "channels": self.channels,
            "rooms": {cid: [kind, sorted(members)] for cid, (kind, members) in self.rooms.items()},
            "messages": [_message_json(m) for m in self.messages],
            "files": [_file_json(f) for f in self.files],
            "reactions": [[channel, ts, names] for (channel, ts), names in self.reactions.items()],
            "scheduled": self.scheduled,
            "canvases": self.canvases,
        }

    @classmethod
    def from_json(cls, data: object) -> KeptState:
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise KeptStateUnusable("ukendt format")
        try:
            return cls(
                users={str(k): dict(v) for k, v in data["users"].items()},
                channels={str(k): str(v) for k, v in data["channels"].items()},
                rooms={str(k): (str(v[0]), [str(u) for u in v[1]]) for k, v in data["rooms"].items()},
                messages=[_message_of(m) for m in data["messages"]],
                files=[_file_of(f) for f in data["files"]],
                reactions={(str(c), str(t)): [str(n) for n in names] for c, t, names in data["reactions"]},
                scheduled=[dict(s) for s in data["scheduled"]],
                # Files written before canvases were kept have none.
                canvases=[dict(c) for c in data.get("canvases", [])],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise KeptStateUnusable(f"ufuldstændig ({type(error).__name__})") from None


def _message_json(message: Message) -> Json:
    out = dataclasses.asdict(message)
    out["files"] = list(message.files)
    return out


def _message_of(data: Any) -> Message:
    return Message(**{**data, "files": tuple(data.get("files") or ())})


def _file_json(shared: SharedFile) -> Json:
    out = dataclasses.asdict(shared)
    out["content"] = base64.b64encode(shared.content).decode("ascii")
    return out


def _file_of(data: Any) -> SharedFile:
    return SharedFile(**{**data, "content": base64.b64decode(data["content"], validate=True)})


def read(path: Path) -> KeptState | None:
    """The state kept at `path`; None when there is none; KeptStateUnusable when it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise KeptStateUnusable(error.strerror or type(error).__name__) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise KeptStateUnusable("ikke gyldig JSON") from None
    return KeptState.from_json(data)


def write(path: Path, state: KeptState) -> None:
    """Write the whole state to a temporary file beside `path`, then rename it over `path`."""
    body = json.dumps(state.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
