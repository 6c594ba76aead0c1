"""Requests exactly as Slack sends them to the bot: signed slash commands, events and interactions.

The integration tests drive the bot over HTTP through Bolt's real signature check, so the bodies
carry every field Slack sends and the signature is computed independently of slack_sdk (a test
cross-checks it against `slack_sdk.signature.SignatureVerifier`). Overrides for the timestamp,
the signature and extra headers exist for the negative and redelivery tests.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from support.slack_fake import BOT_ID, BOT_USER_ID

Json = dict[str, Any]

API_APP_ID = "A0REFERAT"
TEAM_DOMAIN = "fake"
VERIFICATION_TOKEN = "fake-verification-token"  # deprecated by Slack but still sent
EVENTS_PATH = "/slack/events"
UNUSED_RESPONSE_URL = "http://127.0.0.1:9/response/unused"
TIMEOUT = 10.0

_counter = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_counter):06d}"


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers Slack signs a request with: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


# ---------------------------------------------------------------------------------------------
# Bodies.


def slash_command_body(
    text: str,
    *,
    user_id: str,
    channel_id: str,
    response_url: str,
    command: str = "/referat",
    team_id: str = "T1",
    trigger_id: str | None = None,
    user_name: str | None = None,
    channel_name: str | None = None,
) -> bytes:
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name or channel_id.lower(),
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or _next("13345224609.738474920.trigger"),
    }
    return urlencode(fields).encode("utf-8")


def event_body(
    event: Mapping[str, Any], *, event_id: str, team_id: str = "T1", event_time: int | None = None
) -> bytes:
    """An `event_callback` envelope around `event`."""
    if event_time is None:
        # Derived from the event rather than the clock; Bolt does not check it.
        ts = str(event.get("event_ts") or event.get("ts") or "1700000000")
        event_time = int(float(ts))
    envelope: Json = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": API_APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": _next("4-eyJldCI6ImFwcF9tZW50aW9uIn0-"),
    }
    return json.dumps(envelope).encode("utf-8")


def url_verification_body(challenge: str) -> bytes:
    return json.dumps(
        {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    ).encode("utf-8")


def mention_event(
    text: str,
    *,
    user: str,
    channel: str,
    ts: str,
    thread_ts: str | None = None,
    team_id: str = "T1",
) -> Json:
    """An `app_mention`; `text` gets the leading `<@UBOT>` unless it already mentions the bot."""
    mention = f"<@{BOT_USER_ID}>"
    event: Json = {
        "type": "app_mention",
        "user": user,
        "text": text if mention in text else f"{mention} {text}",
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def message_event(
    text: str,
    *,
    user: str,
    channel: str,
    ts: str,
    thread_ts: str | None = None,
    parent_user_id: str | None = None,
    channel_type: str = "channel",
    subtype: str | None = None,
    bot_id: str | None = None,
    team_id: str = "T1",
) -> Json:
    """A `message` event; with `thread_ts` (≠ `ts`) it is a thread reply."""
    event: Json = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if thread_ts != ts:
            event["parent_user_id"] = parent_user_id or user
    if subtype is not None:
        event["subtype"] = subtype
    if bot_id is not None:
        event["bot_id"] = bot_id
    return event


def _payload_body(payload: Json) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode("utf-8")


def block_actions_body(
    action_id: str,
    value: str,
    *,
    user_id: str,
    channel_id: str,
    message_ts: str,
    response_url: str,
    thread_ts: str | None = None,
    block_id: str = "b",
    team_id: str = "T1",
    message_text: str = "",
    message_blocks: list[Json] | None = None,
    is_ephemeral: bool = False,
    trigger_id: str | None = None,
) -> bytes:
    """A `block_actions` payload for a button click on message `message_ts`."""
    container: Json = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
    payload: Json = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id or _next("13345224609.738474920.trigger"),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": f"{message_ts.split('.')[0]}.999999",
            }
        ],
    }
    if not is_ephemeral:  # Slack omits the message for ephemeral containers
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": message_ts,
            "text": message_text,
            "blocks": message_blocks or [],
        }
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        payload["message"] = message
    return _payload_body(payload)


def view_submission_body(
    callback_id: str,
    private_metadata: str,
    values: Mapping[str, Mapping[str, str | Json]],
    user_id: str,
    *,
    team_id: str = "T1",
    view_id: str = "V0000001",
) -> bytes:
    """A `view_submission`; plain string leaves of `values` become plain_text_input states."""
    state = {
        block_id: {
            action_id: (leaf if isinstance(leaf, dict) else {"type": "plain_text_input", "value": leaf})
            for action_id, leaf in actions.items()
        }
        for block_id, actions in values.items()
    }
    payload: Json = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": _next("13345224609.738474920.trigger"),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state},
            "hash": f"{view_id}.0",
            "title": {"type": "plain_text", "text": "Referat"},
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": API_APP_ID,
            "external_id": "",
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _payload_body(payload)


# ---------------------------------------------------------------------------------------------
# Sending.


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Posts signed requests to the bot's Request URL the way Slack does.

    `clock` gives the signing timestamp: Bolt checks it against the real time, so the default is
    `time.time`. `response_url_factory(channel, user)` (e.g. `FakeSlack.new_response_url`) supplies
    the `response_url` when a call does not pass one.
    """

    def __init__(
        self,
        base_url: str,
        secret: str,
        clock: Callable[[], float] = time.time,
        *,
        path: str = EVENTS_PATH,
        response_url_factory: Callable[[str, str], str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.clock = clock
        self.path = path
        self.response_url_factory = response_url_factory

    def _response_url(self, channel: str, user: str, given: str | None) -> str:
        if given is not None:
            return given
        if self.response_url_factory is not None:
            return self.response_url_factory(channel, user)
        return UNUSED_RESPONSE_URL

    def command(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        response_url: str | None = None,
        command: str = "/referat",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = slash_command_body(
            text,
            user_id=user,
            channel_id=channel,
            response_url=self._response_url(channel, user, response_url),
            command=command,
        )
        return self.post(self.path, body, "application/x-www-form-urlencoded", headers=headers)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Deliver `event`; `retry_num` makes it a redelivery (same `event_id` to be realistic)."""
        body = event_body(event, event_id=event_id or _next("Ev0FAKE"))
        extra = dict(headers or {})
        if retry_num is not None:
            extra["X-Slack-Retry-Num"] = str(retry_num)
            extra["X-Slack-Retry-Reason"] = retry_reason
        return self.post(self.path, body, "application/json", headers=extra)

    def action(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        message_ts: str,
        thread_ts: str | None = None,
        response_url: str | None = None,
        block_id: str = "b",
        message_text: str = "",
        message_blocks: list[Json] | None = None,
    ) -> Response:
        body = block_actions_body(
            action_id,
            value,
            user_id=user,
            channel_id=channel,
            message_ts=message_ts,
            thread_ts=thread_ts,
            response_url=self._response_url(channel, user, response_url),
            block_id=block_id,
            message_text=message_text,
            message_blocks=message_blocks,
        )
        return self.post(self.path, body, "application/x-www-form-urlencoded")

    def view_submission(
        self,
        callback_id: str,
        private_metadata: str,
        values: Mapping[str, Mapping[str, str | Json]],
        *,
        user: str = "U1",
        view_id: str = "V0000001",
    ) -> Response:
        body = view_submission_body(callback_id, private_metadata, values, user, view_id=view_id)
        return self.post(self.path, body, "application/x-www-form-urlencoded")

    def post(
        self,
        path: str,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST `body` signed at `timestamp` (default: now); `signature` replaces the real one."""
        ts = int(self.clock()) if timestamp is None else timestamp
        all_headers = {"Content-Type": content_type, **sign(self.secret, body, ts)}
        if signature is not None:
            all_headers["X-Slack-Signature"] = signature
        all_headers.update(headers or {})
        url = self.base_url + (path if path.startswith("/") else "/" + path)
        request = urllib.request.Request(url, data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
                return Response(resp.status, dict(resp.headers.items()), resp.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            with err:
                return Response(err.code, dict(err.headers.items()), err.read().decode("utf-8"))
