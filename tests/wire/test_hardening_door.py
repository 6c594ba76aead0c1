"""HTTP mode against idle and slow clients: connections that owe a request are closed, and at the
connection limit the one owing longest makes room, so Slack's requests are still answered.

The server here has a small limit and a one-second deadline, so the cases run in moments; `referat
serve --http` uses the same code with bot.serve's REQUEST_SECONDS and CONNECTION_LIMIT.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.app import Bot, Clock
from support.slack_fake import FakeSlack

LIMIT = 20


@pytest.fixture
def door_bot(fake: FakeSlack, tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    running = Bot(
        fake=fake,
        db_path=tmp_path / "referat.db",
        clock=clock,
        door={"request_seconds": 1, "connection_limit": LIMIT},
    ).start()
    try:
        yield running
    finally:
        running.stop()


def connect(bot: Bot) -> socket.socket:
    assert bot.server is not None
    return socket.create_connection(("127.0.0.1", bot.server.port), timeout=10)


def closed_by_server(sock: socket.socket, *, trickle: bytes = b"", within: float = 10.0) -> bool:
    """Whether the server closes `sock` within `within` seconds while the client trickles `trickle`."""
    deadline = time.monotonic() + within
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if trickle:
                sock.sendall(trickle)
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_idle_connections_beyond_the_limit_do_not_take_the_server_offline(door_bot: Bot) -> None:
    idle = [connect(door_bot) for _ in range(LIMIT * 3)]
    try:
        # Slack's request still gets its answer: the longest-idle connections made room.
        assert "Startede" in door_bot.cmd("start Tomgang | 19. marts 2024") or door_bot.store().open_meeting(
            "C1"
        )
        assert door_bot.store().open_meeting("C1") is not None
    finally:
        for sock in idle:
            sock.close()


def test_a_slow_header_client_is_closed_at_the_deadline_however_it_trickles(door_bot: Bot) -> None:
    with connect(door_bot) as slow:
        slow.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert closed_by_server(slow, trickle=b"X")
    with connect(door_bot) as idle:
        assert closed_by_server(idle)
    # A client that sends its request at once is served as before.
    assert door_bot.cmd("hjælp")
