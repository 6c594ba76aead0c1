"""The door in front of Bolt in HTTP mode: a size cap and the signature, before anything parses a body.

Bolt parses a request body (and, for the first request, calls `auth.test`) before its own
signature check, and its error handler then acts on whatever the unverified body names. So
`/slack/events` is guarded here: a body over `MAX_BODY_BYTES` is refused with 413 without being
read, and only a request whose signature verifies reaches Bolt at all. Anything that goes wrong
while verifying (a timestamp that is not a number, a signature that is not hex, a body that is
not UTF-8) is a 401, never an exception. Slack's own payloads are a few kilobytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.signature import SignatureVerifier

MAX_BODY_BYTES = 1024 * 1024

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _refuse(start_response: Callable[..., Any], status: str, error: str) -> list[bytes]:
    body = json.dumps({"error": error}).encode("ascii")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _content_length(environ: dict[str, Any]) -> int | None:
    raw = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not raw.isdigit():
        return None
    return int(raw)


def guard(inner: WsgiApp, signing_secret: str, path: str) -> WsgiApp:
    """`inner` sees a POST to `path` only if it is at most MAX_BODY_BYTES and signed by Slack."""
    verifier = SignatureVerifier(signing_secret) if signing_secret.strip() else None

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != path or environ.get("REQUEST_METHOD") != "POST":
            return inner(environ, start_response)
        length = _content_length(environ)
        if length is None:
            return _refuse(start_response, "400 Bad Request", "bad content-length")
        if length > MAX_BODY_BYTES:
            return _refuse(start_response, "413 Payload Too Large", "request too large")
        body: bytes = environ["wsgi.input"].read(length) if length else b""
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        try:
            verified = verifier is not None and verifier.is_valid(body, timestamp, signature)
        except Exception:
            # A timestamp that is not a number, a body that is not UTF-8: not Slack, so not verified.
            verified = False
        if not verified:
            return _refuse(start_response, "401 Unauthorized", "invalid request")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return inner(environ, start_response)

    return application
