"""A minimal WebSocket server (RFC 6455) that stands in for Slack's Socket Mode endpoint.

Socket Mode is the bot's other way in: `apps.connections.open` (served by tests/slack_fake.py)
hands out a WebSocket URL, the client connects, Slack pushes envelopes and the client acks each one
over the same socket. Serving that from the standard library on 127.0.0.1 lets a test drive the real
`SocketModeHandler` without a network or a third-party server.

Deliberately small: text, ping/pong, close and continuation frames; no extensions, no binary
payloads of interest, no TLS (slack_sdk's builtin client speaks plain TCP to any port but 443).
Everything a test waits for goes through one condition variable, so tests wait on events, never
sleep. Every loop is bounded and every socket has a timeout, so a misbehaving client cannot hang
the run; `stop()` ends all threads.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
Json = dict[str, Any]

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
CONTROL_OPCODES = frozenset({OP_CLOSE, OP_PING, OP_PONG})
DATA_OPCODES = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY})

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
# How long a test waits for a condition before failing. Generous, because a wait returns as soon as the
# condition holds: only a failing test pays it, and a machine busy with other work does not fail a good one.
WAIT_TIMEOUT = 30.0
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_TOO_BIG = 1009

# Bounds that keep a misbehaving client from hanging the run.
SOCKET_TIMEOUT = 5.0
MAX_IDLE_TIMEOUTS = 12  # a connection silent this many timeouts in a row is dropped (one minute)
MAX_HANDSHAKE_BYTES = 16 * 1024
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_FRAMES = 100_000  # per connection
JOIN_TIMEOUT = 5.0

DEFAULT_PATH = "/link/?ticket=fake-ticket&app_id=A0REFERAT"


def accept_key(key: str) -> str:
    """The `Sec-WebSocket-Accept` answering a client's `Sec-WebSocket-Key`."""
    digest = hashlib.sha1((key.strip() + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True, mask: bytes | None = None) -> bytes:
    """One frame. Servers send unmasked frames; `mask` exists so tests can play the client."""
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    length = len(payload)
    if length <= 125:
        head += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if mask is None:
        return head + payload
    if len(mask) != 4:
        raise ValueError("a frame mask is 4 bytes")
    return head + mask + _unmask(payload, mask)


def socket_mode_hello(app_id: str = "A0REFERAT", num_connections: int = 1) -> Json:
    """The first message Slack sends on a new Socket Mode connection."""
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": app_id},
    }


def _unmask(data: bytes, mask: bytes) -> bytes:
    # XOR through int keeps this linear without a per-byte Python loop.
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(data), "big")


class _Closed(Exception):
    """The peer went away, or the stand-in is stopping."""


class _ProtocolError(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Received:
    """A complete text message from the client."""

    connection: int  # index into WsFake.connections
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class WsConnection:
    """One accepted client connection; the test sends through it, its thread reads from it."""

    def __init__(self, server: WsFake, sock: socket.socket, index: int, path: str, headers: dict[str, str]):
        self.server = server
        self.index = index
        self.path = path
        self.headers = headers  # request headers, names lower-cased
        self.pings: list[bytes] = []  # payloads of the client's pings (answered with pongs)
        self.pongs: list[bytes] = []
        self.close_code: int | None = None  # from the client's close frame, if it sent one
        self.closed = threading.Event()  # the TCP connection is over
        self._sock = sock
        self._send_lock = threading.Lock()
        self._close_sent = False
        self._buffer = bytearray()

    # --- sending (any thread) --------------------------------------------------------------------

    def send_text(self, text: str) -> None:
        self._send(encode_frame(OP_TEXT, text.encode("utf-8")))

    def send_json(self, message: Json) -> None:
        self.send_text(json.dumps(message, ensure_ascii=False))

    def ping(self, payload: bytes = b"") -> None:
        self._send(encode_frame(OP_PING, payload[:125]))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "", timeout: float = JOIN_TIMEOUT) -> None:
        """Start the closing handshake and wait until the client has let go of the connection."""
        self._send_close(code, reason)
        if not self.closed.wait(timeout):
            raise AssertionError(f"client did not close connection {self.index} within {timeout} s")

    def _send_close(self, code: int, reason: str) -> None:
        with self._send_lock:
            if self._close_sent or self.closed.is_set():
                return
            self._close_sent = True
            frame = encode_frame(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:123])
            with contextlib.suppress(OSError):
                self._sock.sendall(frame)

    def _send(self, frame: bytes) -> None:
        with self._send_lock:
            if self._close_sent or self.closed.is_set():
                raise ConnectionError(f"connection {self.index} is closing")
            self._sock.sendall(frame)

    def _abort(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the reader thread's recv()

    # --- reading (the connection's own thread) ---------------------------------------------------

    def _serve(self) -> None:
        try:
            self._read_loop()
        except _ProtocolError as error:
            self._send_close(error.code, error.reason)
        except (_Closed, OSError):
            pass
        finally:
            with contextlib.suppress(OSError):
                self._sock.close()
            self.closed.set()
            self.server._changed()

    def _read_loop(self) -> None:
        fragments: list[bytes] = []
        fragment_opcode: int | None = None
        for _ in range(MAX_FRAMES):
            fin, opcode, payload = self._read_frame()
            if opcode in CONTROL_OPCODES:
                if not fin or len(payload) > 125:
                    raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "bad control frame")
                if opcode == OP_CLOSE:
                    self._on_close(payload)
                    return
                if opcode == OP_PING:
                    with self.server._cond:
                        self.pings.append(payload)
                    with contextlib.suppress(ConnectionError, OSError):
                        self._send(encode_frame(OP_PONG, payload))
                else:
                    with self.server._cond:
                        self.pongs.append(payload)
                self.server._changed()
                continue
            if opcode not in DATA_OPCODES:
                raise _ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode}")
            if opcode == OP_CONTINUATION:
                if fragment_opcode is None:
                    raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "continuation without a start")
            elif fragment_opcode is not None:
                raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one")
            else:
                fragment_opcode = opcode
            fragments.append(payload)
            if sum(len(f) for f in fragments) > MAX_MESSAGE_BYTES:
                raise _ProtocolError(CLOSE_TOO_BIG, "message too big")
            if fin:
                data, kind = b"".join(fragments), fragment_opcode
                fragments, fragment_opcode = [], None
                if kind == OP_TEXT:
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        raise _ProtocolError(1007, "text is not UTF-8") from None
                    self.server._receive(Received(self.index, text))
        raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "too many frames")

    def _on_close(self, payload: bytes) -> None:
        code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        with self.server._cond:
            self.close_code = code
        # Echo the close unless this end started the handshake; then the TCP connection ends.
        self._send_close(code or CLOSE_NORMAL, "")

    def _read_frame(self) -> tuple[bool, int, bytes]:
        b1, b2 = self._read_exact(2, idle_ok=True)
        if b1 & 0x70:
            raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "reserved bits set")
        if not b2 & 0x80:
            raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
        length = b2 & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8))[0]
        if length > MAX_MESSAGE_BYTES:
            raise _ProtocolError(CLOSE_TOO_BIG, "frame too big")
        mask = self._read_exact(4)
        payload = _unmask(self._read_exact(length), mask) if length else b""
        return bool(b1 & 0x80), b1 & 0x0F, payload

    def _read_exact(self, n: int, *, idle_ok: bool = False) -> bytes:
        """`n` bytes; a timeout between frames is idleness, inside a frame it is a failure."""
        idle = 0
        while len(self._buffer) < n:
            if self.server.stopping.is_set():
                raise _Closed
            try:
                chunk = self._sock.recv(max(4096, n - len(self._buffer)))
            except TimeoutError:
                idle += 1
                if not (idle_ok and not self._buffer) or idle >= MAX_IDLE_TIMEOUTS:
                    raise _Closed from None
                continue
            if not chunk:
                raise _Closed
            self._buffer += chunk
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def _handshake(self) -> tuple[str, dict[str, str]] | None:
        """Read the upgrade request: its path and headers, or None (after a 400) if it is not one."""
        raw = bytearray()
        while b"\r\n\r\n" not in raw:
            if len(raw) > MAX_HANDSHAKE_BYTES:
                break
            chunk = self._sock.recv(4096)
            if not chunk:
                return None
            raw += chunk
        head, _, rest = bytes(raw).partition(b"\r\n\r\n")
        self._buffer += rest  # a client may send its first frame right behind the request
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key", "")
        upgrade_ok = (
            len(parts) == 3
            and parts[0] == "GET"
            and parts[2] == "HTTP/1.1"
            and headers.get("upgrade", "").lower() == "websocket"
            and "upgrade" in headers.get("connection", "").lower()
            and headers.get("sec-websocket-version") == "13"
            and len(_b64decode(key)) == 16
        )
        if not upgrade_ok:
            self._sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return None
        return parts[1], headers

    def _switch_protocols(self) -> None:
        key = self.headers["sec-websocket-key"]
        self._sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(key)}\r\n"
                "\r\n"
            ).encode("ascii")
        )


def _b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return b""


class WsFake:
    """The stand-in server. Use as `with WsFake() as ws:` or `start()`/`stop()`.

    Each accepted connection gets `socket_mode_hello()` first when `hello` is true, as Slack does.
    """

    def __init__(self, *, path: str = DEFAULT_PATH, hello: bool = True) -> None:
        self.path = path
        self.hello = hello
        self.stopping = threading.Event()
        self.connections: list[WsConnection] = []
        self.received: list[Received] = []
        self.rejected = 0  # connections refused at the handshake
        self._cond = threading.Condition(threading.RLock())
        self._listener: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._threads: list[threading.Thread] = []
        self._pending: set[WsConnection] = set()  # accepted, handshake not yet read

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> WsFake:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setblocking(False)
        self._listener = listener
        self._spawn(self._accept_loop, "WsFake-accept")
        return self

    def stop(self) -> None:
        """Close every connection without a handshake and end all threads."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        with self._cond:
            connections = [*self.connections, *self._pending]
        for conn in connections:
            conn._abort()
        for thread in list(self._threads):
            thread.join(JOIN_TIMEOUT)
        if self._listener is not None:
            self._listener.close()
        self._wake_r.close()
        self._wake_w.close()
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> WsFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("WsFake is not started")
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{self.path}"

    # --- test side -------------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = WAIT_TIMEOUT) -> T:
        """Return the first truthy `predicate()`, re-evaluated whenever something arrives."""
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

    def connection(self, index: int = 0, timeout: float = WAIT_TIMEOUT) -> WsConnection:
        """The `index`-th accepted connection, waiting for it if need be."""

        def found() -> WsConnection | None:
            return self.connections[index] if len(self.connections) > index else None

        conn = self.wait_for(found, timeout)
        assert conn is not None  # wait_for returns only truthy results
        return conn

    def wait_message(self, predicate: Callable[[Any], bool], timeout: float = WAIT_TIMEOUT) -> Received:
        """The first text message whose parsed JSON satisfies `predicate`."""

        def found() -> Received | None:
            return next((r for r in self.received if _matches(r, predicate)), None)

        received = self.wait_for(found, timeout)
        assert received is not None  # wait_for returns only truthy results
        return received

    def describe(self) -> str:
        with self._cond:
            lines = [f"{len(self.connections)} connections, {self.rejected} rejected"]
            for conn in self.connections:
                lines.append(
                    f"  #{conn.index} {conn.path} pings={len(conn.pings)} pongs={len(conn.pongs)}"
                    f" close_code={conn.close_code} closed={conn.closed.is_set()}"
                )
            lines.extend(f"  <- #{r.connection} {r.text[:300]}" for r in self.received[-20:])
        return "\n".join(lines)

    # --- server side -----------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._cond:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _ in selector.select(timeout=SOCKET_TIMEOUT):
                    if key.fileobj is self._wake_r:
                        return
                    try:
                        sock, _addr = self._listener.accept()
                    except BlockingIOError:
                        continue
                    self._spawn(self._serve, "WsFake-conn", sock)

    def _serve(self, sock: socket.socket) -> None:
        sock.setblocking(True)
        sock.settimeout(SOCKET_TIMEOUT)
        conn = WsConnection(self, sock, index=-1, path="", headers={})
        with self._cond:
            self._pending.add(conn)
        try:
            request = conn._handshake()
        except OSError:
            request = None
        with self._cond:
            self._pending.discard(conn)
            if request is None or self.stopping.is_set():
                self.rejected += 1
                self._cond.notify_all()
            else:
                # Registered before the 101 goes out: once the client's connect() has returned,
                # the test finds this connection without waiting.
                conn.index = len(self.connections)
                conn.path, conn.headers = request
                self.connections.append(conn)
                active = sum(1 for c in self.connections if not c.closed.is_set())
                self._cond.notify_all()
        if request is None or conn.index < 0:
            with contextlib.suppress(OSError):
                sock.close()
            return
        try:
            conn._switch_protocols()
            if self.hello:
                conn.send_json(socket_mode_hello(num_connections=active))
        except OSError:
            conn._abort()
        conn._serve()

    def _receive(self, message: Received) -> None:
        with self._cond:
            self.received.append(message)
            self._cond.notify_all()

    def _changed(self) -> None:
        with self._cond:
            self._cond.notify_all()


def _matches(received: Received, predicate: Callable[[Any], bool]) -> bool:
    try:
        return bool(predicate(received.json()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


__all__ = [
    "CLOSE_GOING_AWAY",
    "CLOSE_NORMAL",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "Received",
    "WsConnection",
    "WsFake",
    "accept_key",
    "encode_frame",
    "socket_mode_hello",
]
