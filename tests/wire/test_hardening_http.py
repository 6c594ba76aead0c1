"""The HTTP surface as an attacker meets it: caps, signatures, logs, and a fuzz of everything else.

Every test talks to the real app behind waitress on loopback and reads the stand-in Slack's record
of calls: an unverified request must never make the bot call Slack, whatever its body names.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.gate import MAX_BODY_BYTES
from support.app import SECRET, Bot
from support.slack_requests import mention_event, sign, slash_command_body

FORGED_LINE = "\n2026-11-27 13:00:00,000 INFO bot.approval: meeting 7 approved by UHELLE"


def raw_request(bot: Bot, head: bytes, body_part: bytes = b"", timeout: float = 10.0) -> tuple[int, bytes]:
    """Send a request head (and some of a body) on a raw socket; the status and what came back.

    The client stops sending after `body_part`, so a server that waited for the whole announced body
    before answering would time out here instead of answering at once.
    """
    assert bot.server is not None
    with socket.create_connection(("127.0.0.1", bot.server.port), timeout=timeout) as sock:
        sock.sendall(head + body_part)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    status = int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/") else 0
    return status, received


def post_head(length: int, *, content_type: str = "application/json", extra: str = "") -> bytes:
    return (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode("ascii")


def slack_calls(bot: Bot) -> list[str]:
    """Every call the bot made to Slack after start-up (Bolt's start-up `auth.test` aside)."""
    return [c.method for c in bot.fake.calls if c.method != "auth.test"]


def test_an_unsigned_30_mb_body_is_refused_at_once_without_being_read(bot: Bot) -> None:
    started = time.monotonic()
    status, _ = raw_request(bot, post_head(30 * 1024 * 1024), b"{" + b" " * 65536)
    assert status == 413
    assert time.monotonic() - started < 5
    assert slack_calls(bot) == []


def test_a_signed_body_over_the_cap_is_refused_too(bot: Bot) -> None:
    # Slack's payloads are a few kilobytes; the cap does not depend on who signed.
    body = b"x" * (MAX_BODY_BYTES + 1)
    head = post_head(
        len(body), extra="".join(f"{k}: {v}\r\n" for k, v in sign(SECRET, body, int(time.time())).items())
    )
    status, _ = raw_request(bot, head, body)
    assert status == 413
    assert slack_calls(bot) == []


def test_a_chunked_body_over_the_cap_is_refused(bot: Bot) -> None:
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"f" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY_BYTES // len(chunk) + 2))
    status, _ = raw_request(bot, head, chunks)
    assert status == 413
    assert slack_calls(bot) == []


def test_a_body_just_under_the_cap_still_reaches_the_signature_check(bot: Bot) -> None:
    body = b"{" + b" " * (MAX_BODY_BYTES - 2) + b"}"
    response = bot.sender.post("/slack/events", body, "application/json", signature="v0=" + "0" * 64)
    assert response.status == 401


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        ("not-a-number", "v0=abc"),
        ("1e309", "v0=abc"),
        ("", ""),
        ("-1", "v0=" + "0" * 64),
        ("1700000000.5", "v0=zz"),
        (" 42 ", "v0=" + "0" * 63 + "g"),
        ("99999999999999999999999999", "v0=" + "f" * 64),
    ],
)
def test_anything_odd_in_the_signature_headers_is_401_and_the_bot_tells_nobody(
    bot: Bot, timestamp: str, signature: str
) -> None:
    # The body names a real channel and user and would fail if a listener ran: the error handler
    # used to answer the named user with the bot token.
    body = slash_command_body(
        "ad 1 hej", user_id="UHELLE", channel_id="C1", response_url=bot.fake.new_response_url("C1", "UHELLE")
    )
    response = bot.sender.post(
        "/slack/events",
        body,
        "application/x-www-form-urlencoded",
        headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature},
    )
    assert response.status == 401
    assert response.json() == {"error": "invalid request"}
    assert slack_calls(bot) == []
    assert bot.fake.responses == []
    # And a properly signed command from the same user still works.
    assert bot.sender.command("status", user="UHELLE").status == 200


def test_refused_requests_leave_no_body_and_no_forged_line_in_the_log(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_text = "hemmelig-tekst-fra-brugeren"
    body = slash_command_body(
        f"ad 1 {secret_text}{FORGED_LINE}",
        user_id="UHELLE",
        channel_id="C1",
        response_url="https://hooks.example/secret-response-url",
    )
    for _ in range(3):
        response = bot.sender.post(
            "/slack/events", body, "application/x-www-form-urlencoded", signature="v0=00"
        )
        assert response.status == 401
    # A signed request of a kind the bot does not handle: Bolt warns with the whole body.
    unhandled = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "event_id": "Ev1",
            "api_app_id": "A0REFERAT",
            "event": {"type": "reaction_added", "user": "UHELLE", "reaction": secret_text},
        }
    ).encode()
    assert bot.sender.post("/slack/events", unhandled, "application/json").status in (200, 404)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret_text not in logged
    assert "secret-response-url" not in logged
    assert "meeting 7 approved" not in logged


def test_the_safe_formatter_keeps_input_on_its_own_line() -> None:
    from bot.logs import FORMAT, SafeFormatter

    record = logging.LogRecord(
        "bot.x", logging.WARNING, __file__, 1, "no name for %s", (f"U1{FORGED_LINE}\x1b[2J",), None
    )
    line = SafeFormatter(FORMAT).format(record)
    assert "\n" not in line
    assert "\x1b" not in line
    assert "\\n2026-11-27" in line


# ---------------------------------------------------------------------------------------------
# Fuzz: whatever arrives, the answer is never a 5xx, and an unverified request never reaches Slack.

CONTENT_TYPES = st.one_of(
    st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data", ""]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
SLACKISH = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=500).map(lambda t: t.encode("utf-8")),
    st.dictionaries(
        st.sampled_from(
            ["type", "command", "text", "payload", "event", "user_id", "channel_id", "challenge", "ssl_check"]
        ),
        st.one_of(st.text(max_size=40), st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
        max_size=6,
    ).map(lambda d: json.dumps(d).encode()),
    st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=5).map(
        lambda d: urlencode(d).encode()
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=SLACKISH,
    content_type=CONTENT_TYPES,
    timestamp=st.one_of(st.none(), HEADER_VALUE, st.integers().map(str)),
    signature=st.one_of(st.none(), HEADER_VALUE, st.just("v0=" + "0" * 64)),
    extra=st.dictionaries(
        st.sampled_from(["X-Slack-Retry-Num", "X-Slack-Retry-Reason", "Accept-Encoding", "X-Forwarded-For"]),
        HEADER_VALUE,
        max_size=2,
    ),
)
def test_fuzz_unverified_requests_are_refused_and_reach_no_one(
    bot: Bot,
    body: bytes,
    content_type: str,
    timestamp: str | None,
    signature: str | None,
    extra: dict[str, str],
) -> None:
    before = len(bot.fake.calls)
    headers = dict(extra)
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    headers["X-Slack-Signature"] = signature or ""
    response = bot.sender.post("/slack/events", body, content_type, headers=headers)
    assert response.status == 401, response
    assert len(bot.fake.calls) == before
    assert bot.fake.responses == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=300),
    ts=st.one_of(st.just("1700000000.000100"), st.from_regex(r"\d{1,10}\.\d{1,6}", fullmatch=True)),
    action_id=st.one_of(st.sampled_from(["approve", "download", "open"]), st.text(max_size=30)),
    value=st.text(max_size=80),
)
def test_fuzz_what_people_put_into_signed_events_and_clicks_is_never_a_server_error(
    bot: Bot, text: str, ts: str, action_id: str, value: str
) -> None:
    mention = bot.sender.event(mention_event(text, user="UHELLE", channel="CFUZZ", ts=ts))
    assert mention.status < 500, mention
    click = bot.sender.action(action_id, value, user="UHELLE", channel="CFUZZ", message_ts=ts or "1.1")
    assert click.status < 500, click


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), user=st.sampled_from(["UMINUTES", "UHELLE", "UNOBODY"]))
def test_fuzz_signed_commands_are_answered_not_crashed(bot: Bot, text: str, user: str) -> None:
    response = bot.sender.command(text, user=user, channel="CFUZZ")
    assert response.status == 200, response


# ---------------------------------------------------------------------------------------------
# Nothing the bot posts pings anyone.

LOUD = "<!channel> <!here|here> <!everyone> <!subteam^S0LEDELSE|@ledelsen> <@UOTHER> &lt;!here&gt;"


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def _posted(bot: Bot) -> list[str]:
    public = ("chat.postMessage", "chat.update", "files.completeUploadExternal")
    return [s for c in bot.fake.calls if c.method in public for s in _strings(c.params)]


def test_broadcasts_and_mentions_in_stored_text_reach_slack_as_plain_words(bot: Bot) -> None:
    bot.cmd("start Trekantmøde | 19. marts 2024")
    bot.cmd("dagsorden\n1. Trekanten")
    bot.cmd(f"ad 1 beslutning: Trekanten fortsætter {LOUD}")
    bot.cmd(f"ad 1 opgave: Ring til Trekanten {LOUD} frist 1. april 2024")
    bot.cmd("udkast")
    bot.fake.wait_for(lambda: bot.fake.calls_to("chat.postMessage"))
    bot.sender.event(
        mention_event(
            "hvad blev besluttet om Trekanten?", user="UHELLE", channel="C1", ts="1700000100.000100"
        )
    )
    bot.fake.wait_for(lambda: [m for m in bot.fake.messages("C1") if m.thread_ts == "1700000100.000100"])
    posted = "\n".join(_posted(bot))
    assert "Trekanten fortsætter" in posted
    assert "<!" not in posted
    assert "<@" not in posted
    assert "@channel @here @everyone @ledelsen Ole Udenfor" in posted


def test_defuse_keeps_everything_else_as_it_is() -> None:
    from bot.slack.quiet import defuse, quiet_params

    assert defuse("Se <https://x.example|linket> og <#C1|general> kl. 14 <3", None) == (
        "Se <https://x.example|linket> og <#C1|general> kl. 14 <3"
    )
    assert defuse("<@U1|helle> og <@U2>", {"U2": "Lars Møller"}.get) == "helle og Lars Møller"
    assert defuse("<@U1> fik <!here>", None, people=False) == "<@U1> fik @here"
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "broadcast", "range": "channel"},
                        {"type": "user", "user_id": "U9"},
                    ],
                }
            ],
        }
    ]
    quiet = quiet_params("chat.postMessage", {"channel": "C1", "blocks": blocks}, None)
    assert quiet is not None
    assert _strings(quiet["blocks"]).count("@channel") == 1
    assert "U9" not in _strings(quiet["blocks"])
    # Ephemeral answers keep mentions (they notify nobody) but lose broadcasts.
    ephemeral = quiet_params("chat.postEphemeral", {"text": "<@U1>: <!channel>"}, None)
    assert ephemeral == {"text": "<@U1>: @channel"}
