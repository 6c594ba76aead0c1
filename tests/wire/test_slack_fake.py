"""Tests of the test doubles: the fake Web API against a real WebClient, and the signed requests
against Bolt's real verification. The integration tests are only as good as these two."""

from __future__ import annotations

import threading
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry import handler as retry_handler_module
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier

from support.slack_fake import FakeSlack, blocks_error, message_error
from support.slack_requests import (
    SlackSender,
    block_actions_body,
    event_body,
    mention_event,
    message_event,
    sign,
    slash_command_body,
    view_submission_body,
)

SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# --- messages ----------------------------------------------------------------------------------


def test_post_update_thread_ephemeral_permalink(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="Udkast", blocks=[section("*Udkast*")])
    reply = client.chat_postMessage(channel="C1", text="svar", thread_ts=parent["ts"])
    client.chat_postMessage(channel="C2", text="andet sted")
    assert float(reply["ts"]) > float(parent["ts"])
    assert parent["message"]["blocks"] == [section("*Udkast*")]

    client.chat_update(channel="C1", ts=parent["ts"], text="Udkast v2")
    updated = fake.message("C1", parent["ts"])
    assert updated is not None
    assert (updated.text, updated.blocks, updated.edited) == ("Udkast v2", [section("*Udkast*")], True)

    assert [m.text for m in fake.messages("C1")] == ["Udkast v2", "svar"]
    assert [m.text for m in fake.thread("C1", parent["ts"])] == ["svar"]

    eph = client.chat_postEphemeral(channel="C1", user="U7", text="kun til dig")
    assert eph["message_ts"]
    assert [e.text for e in fake.ephemerals(user="U7")] == ["kun til dig"]
    assert fake.ephemerals(channel="C2") == []

    link = client.chat_getPermalink(channel="C1", message_ts=parent["ts"])["permalink"]
    assert link == f"https://fake.slack/archives/C1/p{parent['ts'].replace('.', '')}"
    reply_link = client.chat_getPermalink(channel="C1", message_ts=reply["ts"])["permalink"]
    assert reply_link.endswith(f"?thread_ts={parent['ts']}&cid=C1")
    assert [c.method for c in fake.calls].count("chat.postMessage") == 3


def test_history_and_replies_as_slack_documents_them(fake: FakeSlack, client: WebClient) -> None:
    witness = {"event_type": "referat_witness", "event_payload": {"meeting_id": 1}}
    first = client.chat_postMessage(channel="C1", text="Udkast 1")
    second = client.chat_postMessage(channel="C1", text="Udkast 2")
    client.chat_postMessage(channel="C1", text="kvittering", thread_ts=first["ts"], metadata=witness)
    person = fake.seed_message("C1", "tak", user="UHELLE", thread_ts=first["ts"])
    client.chat_postMessage(channel="C2", text="andet sted")

    history = client.conversations_history(channel="C1")
    # Newest first, top level only; the parent says how many replies it has and the latest one.
    assert [m["text"] for m in history["messages"]] == ["Udkast 2", "Udkast 1"]
    parent = history["messages"][1]
    assert (parent["reply_count"], parent["latest_reply"], parent["thread_ts"]) == (2, person.ts, first["ts"])
    assert "reply_count" not in history["messages"][0]
    paged = client.conversations_history(channel="C1", limit=1)
    assert [m["ts"] for m in paged["messages"]] == [second["ts"]]
    assert paged["has_more"]
    cursor = paged["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C1", limit=1, cursor=cursor)
    assert [m["ts"] for m in rest["messages"]] == [first["ts"]]
    assert rest["response_metadata"]["next_cursor"] == ""

    # Parent first, then replies oldest first; metadata only when asked for.
    replies = client.conversations_replies(channel="C1", ts=first["ts"])
    assert [m["text"] for m in replies["messages"]] == ["Udkast 1", "kvittering", "tak"]
    assert all("metadata" not in m for m in replies["messages"])
    with_metadata = client.conversations_replies(channel="C1", ts=first["ts"], include_all_metadata=True)
    assert with_metadata["messages"][1]["metadata"] == witness
    assert with_metadata["messages"][1]["user"] == fake.bot_user_id

    with pytest.raises(SlackApiError) as missing:
        client.conversations_replies(channel="C1", ts="1.000001")
    assert missing.value.response["error"] == "thread_not_found"
    fake.add_channel("G9", "hemmelig", private=True, members=["UHELLE"], bot_member=False)
    with pytest.raises(SlackApiError) as hidden:
        client.conversations_history(channel="G9")
    assert hidden.value.response["error"] == "channel_not_found"


def test_form_encoded_blocks_are_parsed(fake: FakeSlack, client: WebClient) -> None:
    # slack_sdk sends chat.* as JSON; a form body with blocks as a JSON string must work too.
    client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": '[{"type": "divider"}]'}
    )
    assert fake.messages("C1")[0].blocks == [{"type": "divider"}]


@pytest.mark.parametrize(
    ("method", "kwargs", "error"),
    [
        ("chat.update", {"channel": "C1", "ts": "1.000001", "text": "x"}, "message_not_found"),
        ("chat.postMessage", {"text": "x"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "C1"}, "no_text"),
        ("chat.postMessage", {"channel": "C1", "blocks": []}, "no_text"),
        ("users.info", {"user": "UNKNOWN"}, "user_not_found"),
        ("no.such.method", {}, "unknown_method"),
    ],
)
def test_errors_like_slack(client: WebClient, method: str, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call(method, json=kwargs)
    assert excinfo.value.response["error"] == error


def test_missing_token_is_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake.api_url).chat_postMessage(channel="C1", text="x")


def test_reactions_users_auth(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U7", "Mette Holm", display_name="mette")
    human = fake.seed_message("C1", "ad 3 noget", user="U7")
    client.reactions_add(channel="C1", timestamp=human.ts, name="white_check_mark")
    with pytest.raises(SlackApiError, match="already_reacted"):
        client.reactions_add(channel="C1", timestamp=human.ts, name="white_check_mark")
    assert fake.reactions("C1", human.ts) == ["white_check_mark"]

    user = client.users_info(user="U7")["user"]
    assert (user["real_name"], user["profile"]["display_name"]) == ("Mette Holm", "mette")
    auth = client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T1")

    fake.reset()
    assert fake.calls == []
    assert fake.messages("C1") == []
    assert client.users_info(user="U7")["user"]["id"] == "U7"  # users survive reset


def test_views_open_and_update(fake: FakeSlack, client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Ret"}, "blocks": []}
    opened = client.views_open(trigger_id="t1", view=view)["view"]
    client.views_update(view_id=opened["id"], view={**view, "private_metadata": "42"})
    assert [v.view.get("private_metadata") for v in fake.views] == ["42"]
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="VNOPE", view=view)


# --- files -------------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="Udkast")
    result = client.files_upload_v2(
        channel="C1",
        thread_ts=parent["ts"],
        content="Referat\n\nAd 1. Godkendelse",
        filename="referat.txt",
        title="Referat 19. marts",
        initial_comment="Hele referatet",
    )
    assert result["file"]["title"] == "Referat 19. marts"
    (stored,) = fake.files
    assert stored.text == "Referat\n\nAd 1. Godkendelse"
    assert (stored.name, stored.channel, stored.thread_ts) == ("referat.txt", "C1", parent["ts"])
    (share,) = fake.thread("C1", parent["ts"])
    assert (share.text, share.files) == ("Hele referatet", (stored.id,))
    assert [c.method for c in fake.calls][-3:] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "error"), [(4_000, None), (4_001, "msg_too_long")])
def test_text_limit(fake: FakeSlack, client: WebClient, length: int, error: str | None) -> None:
    if error is None:
        client.chat_postMessage(channel="C1", text="æ" * length)
        assert len(fake.messages("C1")[0].text) == length
    else:
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel="C1", text="æ" * length)
        assert excinfo.value.response["error"] == error
        assert fake.messages("C1") == []


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([{"type": "divider"}] * 51, "invalid_blocks"),
        ([section("x" * 3_001)], "invalid_blocks"),
    ],
    ids=["51-blocks", "3001-char-section"],
)
def test_invalid_blocks_through_client(client: WebClient, blocks: list[dict[str, Any]], error: str) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert excinfo.value.response["error"] == error


def button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", **fields}


OK_BUTTON = button(action_id="a", text={"type": "plain_text", "text": "Godkend"}, value="1")


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([{"type": "divider"}] * 50, None),
        ([section("x" * 3_000)], None),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}], None),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "invalid_blocks"),
        ([section("x" * 2_500)] * 4 + [{"type": "divider"}], None),
        ([section("x" * 2_500)] * 5, "msg_blocks_too_long"),
        ([{"type": "actions", "elements": [OK_BUTTON] * 25}], None),
        ([{"type": "actions", "elements": [OK_BUTTON] * 26}], "invalid_blocks"),
        (
            [{"type": "actions", "elements": [button(text={"type": "plain_text", "text": "x"})]}],
            "invalid_blocks",
        ),
        ([{"type": "actions", "elements": [button(action_id="a")]}], "invalid_blocks"),
        ([{"type": "section", "text": {"text": "no type"}}], "invalid_blocks"),
        ([{"type": "section", "text": {"type": "mrkdwn"}}], "invalid_blocks"),
        ([{"type": "table"}], "invalid_blocks"),
        (["divider"], "invalid_blocks"),
        ({"type": "divider"}, "invalid_blocks"),
        ('[{"type": "divider"}]', None),
        ("not json", "invalid_blocks"),
        ([{"type": "divider", "block_id": "b"}] * 2, "invalid_blocks"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "Kilde"}]}], None),
    ],
)
def test_block_rules(blocks: object, error: str | None) -> None:
    assert message_error("fallback", blocks) == error


def test_blocks_error_wants_parsed_list() -> None:
    assert blocks_error([{"type": "divider"}]) is None
    assert message_error(None, None) == "no_text"


# --- fault injection ---------------------------------------------------------------------------


def test_rate_limit_is_retried_by_slack_sdk(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    # The handler sleeps Retry-After + jitter; record it instead of waiting.
    monkeypatch.setattr(builtin_handlers, "time", types.SimpleNamespace(sleep=slept.append))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.fail_next("chat.postMessage", status=429, retry_after=1)

    client.chat_postMessage(channel="C1", text="hej")

    calls = fake.calls_to("chat.postMessage")
    assert [(c.failed, c.status) for c in calls] == [(True, 429), (False, 200)]
    assert [m.text for m in fake.messages("C1")] == ["hej"]
    assert len(slept) == 1
    assert 1 <= slept[0] < 2


def test_rate_limit_without_handler_surfaces(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="hej")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"
    assert excinfo.value.response["error"] == "ratelimited"


def test_server_error_then_recovery(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="hej")
    assert excinfo.value.response.status_code == 500
    client.chat_postMessage(channel="C1", text="hej igen")
    assert [m.text for m in fake.messages("C1")] == ["hej igen"]


def test_injected_error_and_dropped_connection(fake: FakeSlack) -> None:
    bare = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5, retry_handlers=[])
    fake.fail_next("chat.update", error="cant_update_message")
    fake.fail_next("chat.postMessage", drop_connection=True)
    with pytest.raises(SlackApiError, match="cant_update_message"):
        bare.chat_update(channel="C1", ts="1.000001", text="x")
    with pytest.raises(ConnectionError):  # http.client.RemoteDisconnected, as from a real drop
        bare.chat_postMessage(channel="C1", text="x")
    assert [(c.method, c.failed) for c in fake.calls] == [("chat.update", True), ("chat.postMessage", True)]
    assert fake.messages("C1") == []


def test_dropped_connection_is_retried_by_default_handlers(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry_handler_module, "time", types.SimpleNamespace(sleep=lambda _: None))
    fake.fail_next("chat.postMessage", drop_connection=True)
    client.chat_postMessage(channel="C1", text="x")
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == [True, False]
    assert [m.text for m in fake.messages("C1")] == ["x"]


def test_delay_is_released_by_stop() -> None:
    fake = FakeSlack().start()
    fake.delay_next("auth.test", 10.0)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            WebClient(token="x", base_url=fake.api_url, timeout=5).auth_test()
        except Exception as exc:  # the connection may close under the call; either way it returns
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    fake.wait_for(lambda: fake.delayed("auth.test"))
    fake.stop()
    worker.join(timeout=3)
    assert not worker.is_alive()


# --- response_url ------------------------------------------------------------------------------


def post_json(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode()


def test_response_url_records_ephemeral_and_in_channel(fake: FakeSlack) -> None:
    url = fake.new_response_url("C1", "U7")
    assert post_json(url, b'{"text": "Noteret"}')[0] == 200
    assert post_json(url, b'{"response_type": "in_channel", "text": "Til alle"}')[0] == 200
    status, body = post_json(url, b'{"text": "' + b"x" * 4_001 + b'"}')
    assert (status, '"msg_too_long"' in body) == (400, True)

    assert [(r.response_type, r.error) for r in fake.responses] == [
        ("ephemeral", None),
        ("in_channel", None),
        ("ephemeral", "msg_too_long"),
    ]
    assert [(e.user, e.text) for e in fake.ephemerals(channel="C1")] == [("U7", "Noteret")]
    assert [m.text for m in fake.messages("C1")] == ["Til alle"]


def test_response_url_replace_original(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="Godkend?")["ts"]
    url = fake.new_response_url("C1", "U7", message_ts=ts)
    blocks = b'[{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 0}}]'
    assert post_json(url, b'{"replace_original": true, "text": "Godkendt"}')[0] == 200
    assert post_json(url, b'{"replace_original": true, "text": "y", "blocks": ' + blocks + b"}")[0] == 400
    assert [(m.text, m.edited) for m in fake.messages("C1")] == [("Godkendt", True)]


def test_wait_for_sees_work_from_other_threads(fake: FakeSlack, client: WebClient) -> None:
    worker = threading.Thread(target=lambda: client.chat_postMessage(channel="C1", text="senere"))
    worker.start()
    call = fake.wait_for_call("chat.postMessage", lambda c: c.params.get("channel") == "C1")
    worker.join()
    assert call.params["text"] == "senere"
    assert fake.wait_for(lambda: fake.messages("C1"))[0].text == "senere"


def test_wait_for_times_out_with_the_calls(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="hej")
    with pytest.raises(AssertionError, match=r"chat\.postMessage \[200\]"):
        fake.wait_for(lambda: fake.messages("C2"), timeout=0.05)


# --- signed requests ---------------------------------------------------------------------------


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


@pytest.mark.parametrize("body", [b"", b"token=x&text=ad+3+%C3%A6%C3%B8%C3%A5", '{"a": "æ"}'.encode()])
def test_sign_agrees_with_signature_verifier(body: bytes) -> None:
    headers = sign(SECRET, body, 1_700_000_000)
    verifier = SignatureVerifier(SECRET, clock=FixedClock(1_700_000_100))
    assert verifier.is_valid_request(body, headers)
    assert headers["X-Slack-Signature"] == verifier.generate_signature(timestamp="1700000000", body=body)
    assert not SignatureVerifier("other", clock=FixedClock(1_700_000_000)).is_valid_request(body, headers)
    assert not SignatureVerifier(SECRET, clock=FixedClock(1_700_000_301)).is_valid_request(body, headers)


def test_bodies_carry_slack_fields() -> None:
    form = parse_qs(
        slash_command_body("ad 3 a\nb", user_id="U7", channel_id="C1", response_url="http://r").decode(),
        keep_blank_values=True,
    )
    assert set(form) == {
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
    }  # fmt: skip
    assert form["text"] == ["ad 3 a\nb"]

    reply = message_event("svar", user="U7", channel="C1", ts="2.000002", thread_ts="1.000001")
    assert (reply["thread_ts"], reply["parent_user_id"]) == ("1.000001", "U7")
    assert b'"event_id": "Ev1"' in event_body(reply, event_id="Ev1")

    action = parse_qs(
        block_actions_body(
            "approve", "7", user_id="U7", channel_id="C1", message_ts="1.000001", response_url="http://r"
        ).decode()
    )
    assert '"container": {"type": "message", "message_ts": "1.000001"' in action["payload"][0]
    view = parse_qs(view_submission_body("cb", "42", {"b": {"a": "tekst"}}, "U7").decode())
    assert '"values": {"b": {"a": {"type": "plain_text_input", "value": "tekst"}}}' in view["payload"][0]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bolt_url(fake: FakeSlack) -> Iterator[str]:
    """A Bolt app over HTTP whose listeners answer through the fake."""
    app = App(
        token="xoxb-test", signing_secret=SECRET, client=WebClient(token="xoxb-test", base_url=fake.api_url)
    )

    @app.command("/referat")
    def command(ack: Ack, respond: Respond, command: dict[str, Any]) -> None:
        ack()
        respond(text=f"fik: {command['text']}")

    @app.event("app_mention")
    def mention(event: dict[str, Any], say: Say) -> None:
        say(text="svar", thread_ts=event["ts"])

    @app.action("approve")
    def approve(ack: Ack, respond: Respond, body: dict[str, Any]) -> None:
        ack()
        respond(text=f"godkendt {body['actions'][0]['value']}", replace_original=True)

    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=QuietHandler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_sender_drives_bolt(fake: FakeSlack, bolt_url: str) -> None:
    sender = SlackSender(bolt_url, SECRET, response_url_factory=fake.new_response_url)

    assert sender.command("ad 3 noget", user="U7", channel="C1").status == 200
    fake.wait_for(lambda: fake.ephemerals(channel="C1", user="U7"))
    assert fake.ephemerals(user="U7")[0].text == "fik: ad 3 noget"

    assert sender.event(mention_event("hvornår?", user="U7", channel="C1", ts="5.000005")).status == 200
    assert fake.wait_for(lambda: fake.thread("C1", "5.000005"))[0].text == "svar"

    ts = fake.seed_message("C1", "Godkend?", user="UBOT").ts
    url = fake.new_response_url("C1", "U7", message_ts=ts)
    assert sender.action("approve", "9", user="U7", message_ts=ts, response_url=url).status == 200
    fake.wait_for(lambda: fake.message("C1", ts) and fake.message("C1", ts).edited)  # type: ignore[union-attr]
    assert fake.message("C1", ts).text == "godkendt 9"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({}, 200),
        ({"timestamp": "stale"}, 401),
        ({"signature": "v0=" + "0" * 64}, 401),
    ],
)
def test_sender_negative_signatures(
    fake: FakeSlack, bolt_url: str, overrides: dict[str, str], status: int
) -> None:
    sender = SlackSender(bolt_url, SECRET)
    body = event_body(mention_event("hej", user="U7", channel="C1", ts="1.000001"), event_id="Ev9")
    kwargs: dict[str, Any] = {}
    if "timestamp" in overrides:
        kwargs["timestamp"] = int(sender.clock()) - 600
    if "signature" in overrides:
        kwargs["signature"] = overrides["signature"]
    response = sender.post(
        "/slack/events", body, "application/json", headers={"X-Slack-Retry-Num": "1"}, **kwargs
    )
    assert response.status == status
    if status == 200:  # let the listener finish before the fake goes away
        assert fake.wait_for(lambda: fake.thread("C1", "1.000001"))[0].text == "svar"
