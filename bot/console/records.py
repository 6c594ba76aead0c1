"""What the Slack stand-in (bot.console.standin) holds and hands out: messages, ephemeral messages,
shared files, modals, answers to response_urls and the calls it received.

Frozen records, so a snapshot cannot change under its reader's feet; the console and the tests read
them, the stand-in replaces them when Slack would (an edit, an update of a modal).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class ApiCall:
    """One request received, including refused and fault-injected ones."""

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
class Message:
    """A message everyone in the channel sees: top level or a reply in a thread."""

    channel: str
    ts: str
    text: str
    blocks: list[Json] | None = None
    user: str = ""
    thread_ts: str | None = None
    reply_broadcast: bool = False
    origin: str = "chat.postMessage"  # or "response_url", "files.completeUploadExternal", "seed"
    edited: bool = False
    files: tuple[str, ...] = ()
    bot_id: str | None = None
    seq: int = 0  # order of arrival among messages and ephemeral messages
    metadata: Json | None = None  # chat.postMessage's `metadata` (event_type, event_payload)

    @property
    def ephemeral_to(self) -> None:
        """Nobody in particular: everyone in the channel sees it."""
        return None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def in_thread(self) -> bool:
        return self.is_reply

    def payload(self) -> Json:
        out: Json = {"type": "message", "ts": self.ts, "text": self.text, "user": self.user}
        if self.bot_id is not None:
            out["bot_id"] = self.bot_id
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        return out


@dataclass(frozen=True)
class Ephemeral:
    """A message only `user` sees (chat.postEphemeral, or an ephemeral answer to a response_url)."""

    channel: str
    user: str
    text: str
    blocks: list[Json] | None = None
    thread_ts: str | None = None
    message_ts: str = ""
    origin: str = "chat.postEphemeral"  # or "response_url"
    seq: int = 0

    @property
    def ts(self) -> str:
        return self.message_ts

    @property
    def ephemeral_to(self) -> str:
        return self.user

    @property
    def in_thread(self) -> bool:
        return self.thread_ts is not None

    def payload(self) -> Json:
        out: Json = {"type": "message", "ts": self.message_ts, "text": self.text}
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        return out


@dataclass(frozen=True)
class SharedFile:
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

    def payload(self, permalink_base: str, bot_user_id: str) -> Json:
        """The file as `files.completeUploadExternal` describes it."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "size": len(self.content),
            "permalink": f"{permalink_base}/files/{bot_user_id}/{self.id}/{self.name}",
            "channels": [self.channel] if self.channel else [],
        }


@dataclass(frozen=True)
class View:
    """A modal as Slack holds it; `hash` changes with every update (views.update checks it)."""

    id: str
    view: Json
    trigger_id: str | None = None
    user: str | None = None
    updates: int = 0

    @property
    def hash(self) -> str:
        return f"{self.id}.{self.updates}"


@dataclass(frozen=True)
class Response:
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
        return truthy(self.body.get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return truthy(self.body.get("delete_original"))


def truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


@dataclass(frozen=True)
class Reply:
    """What the server answers; `drop` closes the connection without an answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False

    @classmethod
    def of(cls, data: Json, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
        return cls(status=status, body=json.dumps(data).encode("utf-8"), headers=headers)


@dataclass(frozen=True)
class ResponseTarget:
    """Where an answer to a response_url goes: the interaction's channel, person and message."""

    channel: str
    user: str
    message_ts: str | None
    thread_ts: str | None


@dataclass
class PendingUpload:
    """A file announced with files.getUploadURLExternal, and its bytes once uploaded."""

    name: str
    length: int
    content: bytes | None = None
