"""Socket Mode end to end: the real app behind slack_sdk's builtin client, over a local WebSocket.

`referat serve` without a public URL runs `SocketModeHandler(app, app_token)`. Here the handler
fetches its URL from the stand-in Web API (`apps.connections.open`), connects to tests/ws_fake.py
on 127.0.0.1, receives envelopes as Slack pushes them and must ack each one on the socket, with
the slash command's answer inside the ack.

What the builtin client (slack_sdk 3.48) expects, which the fixtures below provide:
- TLS is chosen by port alone: any port but 443 is plain TCP, whatever the scheme, so `ws://` works.
- A proxy from HTTPS_PROXY/HTTP_PROXY (read by WebClient and the handler) would be used even for
  127.0.0.1 (NO_PROXY is not consulted) and always with TLS, so the fixture clears those variables.
- It pings once right after the handshake and then every `ping_interval` (10 s in Bolt's handler);
  a connection counts as stale only after 4 intervals, far beyond these tests.
- `hello` is not awaited; it is sent because Slack sends it, and the client must ignore it.
- Its reader holds a lock across a blocking recv() with a 3 s timeout, and `close()` needs that
  lock: so the stand-in closes first (as Slack does when it recycles a connection), which wakes the
  reader. `handler.close()` then still waits up to 1 s for its message processor, which polls its
  queue with a 1 s timeout; nothing public shortens that, so each test here takes about a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import create_app
from bot.config import Settings
from storage.store import StoreOpener
from support.app import Clock
from support.slack_fake import BOT_USER_ID, FakeSlack
from support.slack_requests import event_body, mention_event, slash_command_body
from support.ws_fake import (
    CLOSE_GOING_AWAY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    WsFake,
    accept_key,
    encode_frame,
)

APP_TOKEN = "xapp-test"
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
START = "start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024"

_envelope_ids = itertools.count(1)

Json = dict[str, Any]


@dataclass
class SocketBot:
    handler: SocketModeHandler
    db_path: Path

    def meetings_stored(self) -> list[tuple[str, dt.date, str | None]]:
        """Read through a fresh opener, as another process would see the file."""
        opener = StoreOpener(self.db_path)
        try:
            return [(m.title, m.date, m.channel_id) for m in opener().meetings()]
        finally:
            opener.close()


@pytest.fixture
def ws() -> Iterator[WsFake]:
    with WsFake() as server:
        yield server


@pytest.fixture
def socket_bot(
    fake: FakeSlack, ws: WsFake, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SocketBot]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    fake.socket_mode_url = ws.url
    settings = Settings(
        bot_token="xoxb-test",
        app_token=APP_TOKEN,
        signing_secret="unused",  # Socket Mode envelopes are not signed
        slack_api_url=fake.api_url,
        db_path=tmp_path / "referat.db",
    )
    opener = StoreOpener(settings.db_path)
    app = create_app(settings, opener, clock=clock)
    handler = SocketModeHandler(app, APP_TOKEN)
    try:
        # connect() returns once the handshake is done; it logs rather than raises when it fails.
        handler.connect()  # type: ignore[no-untyped-call]
        assert handler.client.is_connected(), ws.describe()
        yield SocketBot(handler=handler, db_path=settings.db_path)
    finally:
        try:
            for conn in list(ws.connections):
                if not conn.closed.is_set():
                    conn.close(CLOSE_GOING_AWAY, "test over")
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            opener.close()


def envelope(kind: str, payload: Json, *, accepts_response_payload: bool) -> Json:
    """A Socket Mode envelope as Slack pushes it."""
    message: Json = {
        "envelope_id": f"env-{next(_envelope_ids):04d}-0000-4000-8000-000000000000",
        "type": kind,
        "accepts_response_payload": accepts_response_payload,
        "payload": payload,
    }
    if kind == "events_api":
        message["retry_attempt"] = 0
        message["retry_reason"] = ""
    return message


def slash_command(fake: FakeSlack, text: str, *, user: str = "UMINUTES", channel: str = "C1") -> Json:
    # The same fields as over HTTP, but as a JSON object rather than a form body.
    body = slash_command_body(
        text, user_id=user, channel_id=channel, response_url=fake.new_response_url(channel, user)
    )
    payload = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return envelope("slash_commands", payload, accepts_response_payload=True)


def ack_for(ws: WsFake, message: Json) -> Json:
    received = ws.wait_message(lambda m: m.get("envelope_id") == message["envelope_id"])
    ack: Json = received.json()
    return ack


def test_handler_connects_where_apps_connections_open_points(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    conn = ws.connection(0)
    # The URL came from the Web API, asked with the app-level token, and was used verbatim.
    [call] = fake.calls_to("apps.connections.open")
    assert call.token == APP_TOKEN
    assert conn.path == ws.path
    assert conn.headers["sec-websocket-version"] == "13"
    # The client pings right after the handshake and the stand-in's pong is what keeps it fresh.
    ping = ws.wait_for(lambda: conn.pings)[0]
    assert ping.decode("utf-8").count(":") == 1
    assert socket_bot.handler.client.is_connected()


def test_slash_command_is_acked_with_the_answer_and_stored(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    conn = ws.connection(0)
    message = slash_command(fake, START)
    conn.send_json(message)

    ack = ack_for(ws, message)
    assert set(ack) == {"envelope_id", "payload"}
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "19. marts 2024" in ack["payload"]["text"]
    assert socket_bot.meetings_stored() == [("Kredsrådsmøde i Holstebro Kommune", dt.date(2024, 3, 19), "C1")]
    assert fake.responses == []  # the answer travelled in the ack, not through response_url


def test_refused_command_is_acked_with_the_reason_and_stores_nothing(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    conn = ws.connection(0)
    message = slash_command(fake, "start Møde | 31. februar 2024")
    conn.send_json(message)

    ack = ack_for(ws, message)
    assert "findes ikke" in ack["payload"]["text"]
    assert socket_bot.meetings_stored() == []


def test_app_mention_is_acked_and_answered_in_the_thread(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    conn = ws.connection(0)
    question = fake.seed_message("C1", f"<@{BOT_USER_ID}> hvad blev besluttet om Trekanten?", user="UHELLE")
    event = mention_event(question.text, user="UHELLE", channel="C1", ts=question.ts)
    payload = json.loads(event_body(event, event_id="Ev0SOCKET01"))
    message = envelope("events_api", payload, accepts_response_payload=False)
    conn.send_json(message)

    # Events are acked with the envelope id alone; the answer goes to the Web API.
    assert ack_for(ws, message) == {"envelope_id": message["envelope_id"]}
    reply = fake.wait_for(lambda: fake.thread("C1", question.ts))[0]
    assert reply.text
    assert reply.origin == "chat.postMessage"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hjælp", "/referat start"),
        ("status", "/referat start"),
        ("ad 1 " + "Politiet orienterede om tryghedsindsatsen. " * 70, "/referat start"),
    ],
    ids=["help", "status", "3-kB-statement"],
)
def test_envelopes_sent_back_to_back_are_each_acked(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake, text: str, expected: str
) -> None:
    # Read-only commands (no meeting in CEMPTY), so only the transport is under test: frames that
    # share one recv() on the client, and a frame longer than its 1024-byte receive buffer.
    conn = ws.connection(0)
    messages = [slash_command(fake, text, channel="CEMPTY") for _ in range(3)]
    for message in messages:
        conn.send_json(message)

    for message in messages:
        assert expected in ack_for(ws, message)["payload"]["text"]
    assert len(ws.received) == len(messages)


def test_concurrent_starts_in_different_channels_are_all_stored(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    # Socket Mode runs up to 10 envelopes at once, so writes from several threads overlap: each
    # must wait for the others rather than fail with "database is locked".
    conn = ws.connection(0)
    messages = [slash_command(fake, START, channel=f"C{n}") for n in range(1, 6)]
    for message in messages:
        conn.send_json(message)

    answers = [ack_for(ws, message)["payload"]["text"] for message in messages]
    assert all("19. marts 2024" in answer for answer in answers), answers
    assert sorted(channel or "" for _, _, channel in socket_bot.meetings_stored()) == [
        f"C{n}" for n in range(1, 6)
    ]


def test_disconnect_message_moves_the_client_to_a_new_connection(
    socket_bot: SocketBot, fake: FakeSlack, ws: WsFake
) -> None:
    old = ws.connection(0)
    # Slack recycles connections: it asks the client to reconnect, then closes the old socket.
    old.send_json(
        {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "applink-fake"}}
    )
    new = ws.connection(1)
    old.close(CLOSE_GOING_AWAY, "refresh")
    assert len(fake.calls_to("apps.connections.open")) == 2

    message = slash_command(fake, START)
    new.send_json(message)
    received = ws.wait_message(lambda m: m.get("envelope_id") == message["envelope_id"])
    assert received.connection == new.index
    assert "19. marts 2024" in received.json()["payload"]["text"]
    assert socket_bot.meetings_stored() == [("Kredsrådsmøde i Holstebro Kommune", dt.date(2024, 3, 19), "C1")]


# ---------------------------------------------------------------------------------------------
# The stand-in itself, driven by a raw client socket: the parts slack_sdk does not exercise.


def test_accept_key_matches_the_rfc_example() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def _raw_client(ws: WsFake) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", ws.port), timeout=5)
    key = "AAECAwQFBgcICQoLDA0ODw=="
    sock.sendall(
        (
            f"GET {ws.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode("ascii")
    )
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        assert chunk, response
        response += chunk
    head, _, rest = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 ")
    assert f"Sec-WebSocket-Accept: {accept_key(key)}".encode() in head
    return sock, rest


def _read_frame(sock: socket.socket, buffer: bytearray) -> tuple[int, bytes]:
    """One unmasked server frame (the stand-in never sends long ones here)."""
    while len(buffer) < 2 or len(buffer) < 2 + (buffer[1] & 0x7F):
        chunk = sock.recv(4096)
        assert chunk, "server closed the connection"
        buffer += chunk
    assert buffer[1] & 0x80 == 0, "server frames are unmasked"
    length = buffer[1] & 0x7F
    opcode, payload = buffer[0] & 0x0F, bytes(buffer[2 : 2 + length])
    del buffer[: 2 + length]
    return opcode, payload


@pytest.mark.parametrize(
    ("frames", "expected"),
    [
        ([(OP_TEXT, True, "hej")], "hej"),
        (
            [(OP_TEXT, False, "Kreds"), (OP_CONTINUATION, False, "råds"), (OP_CONTINUATION, True, "møde")],
            "Kredsrådsmøde",
        ),
        ([(OP_TEXT, True, "æ" * 200)], "æ" * 200),  # 16-bit length
    ],
)
def test_stand_in_reads_masked_and_fragmented_text(
    frames: list[tuple[int, bool, str]], expected: str
) -> None:
    with WsFake(hello=False) as ws:
        sock, rest = _raw_client(ws)
        buffer = bytearray(rest)
        with sock:
            mask = b"\x37\xfa\x21\x3d"
            for opcode, fin, text in frames:
                sock.sendall(encode_frame(opcode, text.encode("utf-8"), fin=fin, mask=mask))
            sock.sendall(encode_frame(OP_PING, b"p1", mask=mask))
            assert _read_frame(sock, buffer) == (OP_PONG, b"p1")
            assert ws.wait_for(lambda: ws.received)[0].text == expected
            # Closing handshake started by the client: the stand-in echoes the code, then hangs up.
            sock.sendall(encode_frame(OP_CLOSE, (1000).to_bytes(2, "big"), mask=mask))
            assert _read_frame(sock, buffer) == (OP_CLOSE, (1000).to_bytes(2, "big"))
            conn = ws.connection(0)
            assert conn.closed.wait(5)
            assert conn.close_code == 1000
            assert conn.pings == [b"p1"]


@pytest.mark.parametrize(
    "request_head",
    [
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # plain HTTP, no upgrade
        "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    ],
)
def test_stand_in_refuses_what_is_not_a_websocket_upgrade(request_head: str) -> None:
    with WsFake() as ws, socket.create_connection(("127.0.0.1", ws.port), timeout=5) as sock:
        sock.sendall(request_head.encode("ascii"))
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
        assert response.startswith(b"HTTP/1.1 400 ")
        ws.wait_for(lambda: ws.rejected == 1)
        assert ws.connections == []


def test_stand_in_drops_unmasked_client_frames() -> None:
    with WsFake(hello=False) as ws:
        sock, rest = _raw_client(ws)
        buffer = bytearray(rest)
        with sock:
            sock.sendall(encode_frame(OP_TEXT, b"unmasked"))
            opcode, payload = _read_frame(sock, buffer)
            assert opcode == OP_CLOSE
            assert int.from_bytes(payload[:2], "big") == 1002
            assert ws.connection(0).closed.wait(5)
            assert ws.received == []
