"""Connections to Slack kept open and reused, so a post needs no new handshake.

slack_sdk's WebClient opens a new connection through urllib for every call. Against Slack that is
a TCP and a TLS handshake before every answer is posted; against the stand-in it was half the time
of a post. `KeptConnections` keeps one connection per thread and host and sends the WebClient's
request on it; everything else stays slack_sdk's: its retry handlers, rate limits and errors see
what urlopen would give them (a status of 400 or more as urllib's HTTPError, a failed send as
URLError, a dropped answer as the http.client error itself).

A kept connection the server has closed while it was idle is noticed before it is used (it reads
as ready) and replaced; a request is never sent twice by this module.
"""

from __future__ import annotations

import http.client
import io
import select
import ssl
import threading
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

# Connections one thread keeps; tests start a stand-in on a new port each, so old ones are let go.
KEPT_PER_THREAD = 4


class KeptConnections:
    """One HTTP(S) connection per thread and (scheme, host, port), reused while the server keeps it."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _kept(self) -> dict[tuple[str, str, int], http.client.HTTPConnection]:
        kept: dict[tuple[str, str, int], http.client.HTTPConnection] | None = getattr(
            self._local, "kept", None
        )
        if kept is None:
            kept = self._local.kept = {}
        return kept

    def send(self, req: Request, *, timeout: float, context: ssl.SSLContext | None) -> dict[str, Any]:
        """`req` sent as urlopen would send it; the answer as slack_sdk's transport returns it."""
        url = urlsplit(req.full_url)
        secure = url.scheme == "https"
        key = (url.scheme, url.hostname or "", url.port or (443 if secure else 80))
        kept = self._kept()
        conn = kept.pop(key, None)
        if conn is not None and _dropped(conn):
            conn.close()
            conn = None
        if conn is None:
            if secure:
                conn = http.client.HTTPSConnection(key[1], key[2], timeout=timeout, context=context)
            else:
                conn = http.client.HTTPConnection(key[1], key[2], timeout=timeout)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {name: value for name, value in req.header_items()}
        try:
            try:
                conn.request(req.get_method(), path, body=req.data, headers=headers)
            except OSError as error:
                raise URLError(error) from error  # as urlopen reports a failed send
            response = conn.getresponse()
            body = response.read()
        except BaseException:
            conn.close()
            raise
        if response.will_close:
            conn.close()
        else:
            kept[key] = conn
            while len(kept) > KEPT_PER_THREAD:
                kept.pop(next(iter(kept))).close()
        if response.status >= 400:
            raise HTTPError(
                req.full_url, response.status, response.reason, response.headers, io.BytesIO(body)
            )
        if response.headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.headers, "body": body.decode(charset)}


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle kept connection was closed by the server: its socket reads as ready."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


# The process's connections: Bolt makes a new client for every request, so they cannot live in one.
SHARED = KeptConnections()
