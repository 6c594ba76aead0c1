"""The bot's connections to Slack are kept and reused, and Slack's errors still reach slack_sdk as before.

An answer used to open a new connection for every call (against Slack: a TCP and a TLS handshake
before each post). Here the bot's own client calls the stand-in over HTTP/1.1 as Slack serves it:
one connection carries many calls; one the server closed while idle is replaced before it is used,
so nothing is sent twice; a dropped answer, a rate limit and a server error are retried by slack_sdk
exactly as with urllib.
"""

from __future__ import annotations

import http.client
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from bot.app import make_client
from bot.config import Settings
from support.retries import instant_retries
from support.slack_fake import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_channel("C1", "kredsraad", members=[])
        yield slack


def _posted(fake: FakeSlack) -> list[str]:
    return [str(c.params.get("text")) for c in fake.calls_to("chat.postMessage") if not c.failed]


def test_calls_share_one_connection(fake: FakeSlack, tmp_path: Path) -> None:
    client = make_client(_settings(fake, tmp_path))
    for n in range(5):
        assert client.chat_postMessage(channel="C1", text=f"svar {n}")["ok"]
    assert _posted(fake) == [f"svar {n}" for n in range(5)]
    assert fake.connections_opened == 1


def test_a_connection_closed_while_idle_is_replaced_and_nothing_is_sent_twice(
    fake: FakeSlack, tmp_path: Path
) -> None:
    client = make_client(_settings(fake, tmp_path))
    assert client.chat_postMessage(channel="C1", text="første")["ok"]
    fake.close_connections()
    fake.wait_for(lambda: fake.open_connections == 0)
    assert client.chat_postMessage(channel="C1", text="anden")["ok"]
    assert _posted(fake) == ["første", "anden"]
    assert len(fake.calls_to("chat.postMessage")) == 2  # no failed attempt, no second send
    assert fake.connections_opened == 2


def test_a_dropped_answer_is_retried_by_slack_sdk_on_a_new_connection(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instant_retries(monkeypatch)
    client = make_client(_settings(fake, tmp_path))
    assert client.chat_postMessage(channel="C1", text="første")["ok"]
    fake.fail_next("chat.postMessage", drop_connection=True)
    assert client.chat_postMessage(channel="C1", text="anden")["ok"]
    attempts = fake.calls_to("chat.postMessage")
    assert [(c.params.get("text"), c.failed) for c in attempts] == [
        ("første", False),
        ("anden", True),
        ("anden", False),
    ]
    assert fake.connections_opened == 2


def test_rate_limits_and_server_errors_reach_the_retry_handlers_as_with_urllib(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = instant_retries(monkeypatch)
    client = make_client(_settings(fake, tmp_path))
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    assert client.chat_postMessage(channel="C1", text="efter pausen")["ok"]
    assert waits
    assert waits[0] >= 7  # Retry-After honoured
    fake.fail_next("chat.postMessage", status=500, times=5)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="aldrig")
    assert refused.value.response.status_code == 500
    assert _posted(fake) == ["efter pausen"]
    assert fake.connections_opened == 1  # an error answer leaves the connection open


def _settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        bot_token="xoxb-test",
        app_token=None,
        signing_secret="secret",
        slack_api_url=fake.api_url,
        db_path=tmp_path / "referat.db",
    )


def test_a_client_dropping_a_kept_connection_is_no_error(
    fake: FakeSlack, capfd: pytest.CaptureFixture[str]
) -> None:
    """A bot that stops resets its kept connections; the stand-in ends them without a traceback."""
    host, port = "127.0.0.1", fake.port
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("POST", "/api/auth.test", body=b"{}", headers={"Authorization": "Bearer xoxb-test"})
    assert conn.getresponse().read()
    fake.wait_for(lambda: fake.open_connections == 1)
    assert conn.sock is not None
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    conn.close()
    ended, errors = fake.wait_for(lambda: fake.connections_ended if fake.connections_ended[0] == 1 else None)
    assert (ended, errors) == (1, [])
    assert "Traceback" not in capfd.readouterr().err
