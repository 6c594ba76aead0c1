"""`referat serve` as started by an operator: settings checked up front, and a log safe to keep.

The log test runs the real command as its own process against the stand-in Slack, attacks it over
HTTP, and reads what the process wrote to stderr.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.cli import main
from support.app import SECRET
from support.slack_fake import FakeSlack
from support.slack_requests import SlackSender, slash_command_body

ROOT = Path(__file__).resolve().parents[2]
FORGED = "\n2026-11-27 13:00:00,000 INFO bot.approval: meeting 7 approved by UHELLE"


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: FakeSlack) -> FakeSlack:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    return fake


@pytest.mark.parametrize(
    "url",
    [
        "http://slack.example.org/api/",
        "http://10.0.0.7:8080/api/",
        "ftp://127.0.0.1/api/",
        "https:///api/",
        "slack.example.org/api",
    ],
)
def test_a_slack_api_url_that_would_send_the_token_in_clear_is_refused(
    url: str, serve_env: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_API_URL", url)
    assert main(["serve", "--http", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_API_URL skal være en https-adresse" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert serve_env.calls == []  # the token went nowhere


@pytest.mark.parametrize(
    "url", ["https://slack.com/api/", "http://127.0.0.1:9/api/", "http://localhost/api/", "http://[::1]:9/"]
)
def test_https_and_loopback_addresses_are_accepted(url: str) -> None:
    from bot.config import Settings

    Settings.from_env({"SLACK_API_URL": url}).require_safe_api_url()


def test_a_token_slack_refuses_is_one_danish_line_and_a_non_zero_exit(
    serve_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_env.fail_next("auth.test", error="invalid_auth")
    assert main(["serve", "--http", "--port", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "Slack afviste SLACK_BOT_TOKEN (invalid_auth): tjek Bot User OAuth Token (xoxb-…) under "
        "OAuth & Permissions i Slack-appen."
    )


def test_an_unreachable_slack_is_one_danish_line_and_a_non_zero_exit(
    serve_env: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    assert main(["serve", "--http", "--port", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"Kunne ikke nå Slack på http://127.0.0.1:{port}/api/")
    assert "\n" not in err
    assert "Traceback" not in err


def _listening_port(process: subprocess.Popen[bytes], lines: queue.Queue[str], timeout: float = 20.0) -> int:
    """The port `referat serve --port 0` reports in its log line `referat lytter på http://…:PORT/…`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            assert process.poll() is None, "referat serve exited"
            continue
        if m := re.search(r"referat lytter på http://127\.0\.0\.1:(\d+)/", line):
            return int(m[1])
    raise AssertionError("referat serve did not come up")


def test_the_served_log_has_no_bodies_no_tokens_and_no_forged_lines(
    serve_env: FakeSlack, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines: queue.Queue[str] = queue.Queue()
    log_lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace")
            log_lines.append(line)
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        port = _listening_port(process, lines)
        sender = SlackSender(
            f"http://127.0.0.1:{port}", SECRET, response_url_factory=serve_env.new_response_url
        )
        secret_text = "ikke-i-loggen"
        body = slash_command_body(
            f"ad 1 {secret_text}{FORGED}",
            user_id="UHELLE",
            channel_id="C1",
            response_url="https://hooks.example/r/1",
        )
        for _ in range(3):
            assert (
                sender.post(
                    "/slack/events", body, "application/x-www-form-urlencoded", signature="v0=1"
                ).status
                == 401
            )
        bad_ts = {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=1"}
        assert (
            sender.post("/slack/events", body, "application/x-www-form-urlencoded", headers=bad_ts).status
            == 401
        )
        # Signed commands with hostile text are handled, and their text is not logged either.
        assert sender.command(f"start Møde{FORGED}", user="UHELLE").status == 200
        assert sender.command(f"ad 1 {secret_text}{FORGED}", user="UHELLE").status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
    log = "".join(log_lines)
    assert "referat lytter på" in log
    assert secret_text not in log
    assert "hooks.example" not in log
    assert "xoxb-test" not in log
    assert not [line for line in log.splitlines() if "bot.approval" in line]
    # Only the bot's own calls reached Slack: start-up checks (and reconciling reminders), and
    # nothing for the refused requests.
    assert {c.method for c in serve_env.calls} <= {
        "auth.test",
        "users.info",
        "chat.postEphemeral",
        "chat.scheduledMessages.list",
    }
    assert not [c for c in serve_env.calls if c.method == "chat.postEphemeral"]
