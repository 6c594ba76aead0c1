"""Run the app for real: Socket Mode, or HTTP behind waitress with a health check.

Bolt's own `app.start()` is a development server; waitress is a production WSGI server that
is pure Python (no compiler needed on the municipal servers this runs on). In front of Bolt sits
the gate (bot/slack/gate.py): size cap and signature first, and waitress itself refuses a body over
the same cap before reading it, so an unsigned flood costs neither memory nor a log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any, cast
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context
from slack_bolt.response import BoltResponse
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from bot.slack.gate import MAX_BODY_BYTES, guard

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Handler(SlackRequestHandler):
    """Bolt's WSGI adapter, answering 400 to a signed body Bolt cannot read instead of a 500."""

    def dispatch(self, request: Any) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            # Not UTF-8, not JSON where JSON is announced, not an object: nothing Slack sends.
            return BoltResponse(status=400, body={"error": "unreadable request"})
        read_form_fully(bolt_request)
        return self.app.dispatch(bolt_request)


def read_form_fully(request: BoltRequest) -> None:
    """Bolt takes any form body containing the word "payload" for an interaction and, finding no
    `payload` field, reads it as empty: `/referat ad 1 … payload …` went unanswered (404). A form
    without that field is read as the fields it has."""
    if request.body or "payload" not in request.raw_body or request.raw_body.startswith("{"):
        return
    fields = dict(parse_qsl(request.raw_body, keep_blank_values=True))
    if "payload" not in fields:
        request.body = fields
        request.context = build_context(BoltContext(), fields)


def wsgi_app(app: App, signing_secret: str) -> WsgiApp:
    """Slack's Request URL at /slack/events (behind the gate), plus GET /healthz for load balancers."""
    slack = guard(_Handler(app, path=EVENTS_PATH), signing_secret, EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


# A client owes a whole request within this many seconds of connecting or of its last request being
# answered; idle keep-alive connections and slow-header clients are closed after it. Slack sends a
# whole request at once.
REQUEST_SECONDS = 10
# Connections held at once. At the limit the connection that has owed a request longest is closed
# to make room, so idle or slow clients cannot take the server offline by their number alone.
CONNECTION_LIMIT = 500


class _Channel(HTTPChannel):
    """waitress's connection, remembering since when its client owes a whole request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owing_since = self.creation_time


class _Server(TcpWSGIServer):
    """waitress's TCP server with a deadline for each request and eviction at the connection limit.

    waitress closes only connections with no traffic at all for `channel_timeout`, and stops
    accepting at `connection_limit`: 100 idle connections took the server offline for two minutes,
    and slow-header clients sending a byte now and then kept it down. Here a connection is closed
    once it has owed a whole request for REQUEST_SECONDS, however it trickles, and at the limit
    the one owing longest makes room.
    """

    channel_class = _Channel

    def _channels(self) -> list[_Channel]:
        # waitress's stubs type active_channels as one channel; it is a dict of them.
        channels: dict[int, _Channel] = cast(Any, self).active_channels
        return list(channels.values())

    def maintenance(self, now: float) -> None:
        cast(Any, super()).maintenance(now)
        cutoff = now - self.adj.channel_timeout
        for channel in self._channels():
            if channel.requests:
                channel.owing_since = now  # being answered: its next request is owed from now
            elif channel.owing_since < cutoff:
                channel.will_close = True

    def readable(self) -> bool:
        if self.accepting and len(cast(Any, self)._map) >= self.adj.connection_limit:
            # Closed on the loop's next round (closing here would pull it out of the round
            # that is being polled); the server accepts again once it is gone.
            waiting = [c for c in self._channels() if not c.requests and not c.will_close]
            if waiting:
                min(waiting, key=lambda c: c.owing_since).will_close = True
        return bool(super().readable())


def http_server(
    app: App,
    signing_secret: str,
    host: str,
    port: int,
    threads: int = 8,
    *,
    request_seconds: int = REQUEST_SECONDS,
    connection_limit: int = CONNECTION_LIMIT,
) -> _Server:
    """A waitress server, not yet running: `.run()` serves, `.close()` stops."""
    adj = Adjustments(
        host=host,
        port=port,
        threads=threads,
        ident="referat",
        # waitress answers 413 from the Content-Length header alone (it refuses at >= the limit).
        max_request_body_size=MAX_BODY_BYTES + 1,
        channel_timeout=request_seconds,
        cleanup_interval=1,
        connection_limit=connection_limit,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    # The first address the host names (127.0.0.1 or 0.0.0.0 in practice).
    return _Server(
        wsgi_app(app, signing_secret),
        {},
        True,
        None,
        dispatcher=dispatcher,
        adj=adj,
        sockinfo=cast(Any, adj.listen[0]),
    )


def serve_http(app: App, signing_secret: str, host: str, port: int) -> None:
    server: Any = http_server(app, signing_secret, host, port)
    # The port actually bound: `--port 0` lets the system choose one.
    log.info("referat lytter på http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    server.run()


def serve_socket_mode(app: App, app_token: str) -> None:
    # The handler opens its connection through app.client, so SLACK_API_URL applies here too.
    SocketModeHandler(app, app_token).start()  # type: ignore[no-untyped-call]


class ServerThread:
    """An HTTP server on a background thread, for tests and benchmarks that talk to the real app."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        *,
        listeners: Executor | None = None,
        heavy: Executor | None = None,
        request_seconds: int = REQUEST_SECONDS,
        connection_limit: int = CONNECTION_LIMIT,
    ) -> None:
        """`listeners` and `heavy` are the executors given to `create_app`; `stop()` waits for
        them, so nothing still runs when the caller closes the database."""
        self.app = app
        self._listeners = listeners
        self._heavy = heavy
        # waitress types create_server as a union; only the TCP server is made here.
        server: Any = http_server(
            app,
            signing_secret,
            host,
            port,
            threads=threads,
            request_seconds=request_seconds,
            connection_limit=connection_limit,
        )
        self.server = server
        self.port = int(server.effective_port)
        self.url = f"http://{host}:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="referat-http", daemon=True)

    def _serve(self) -> None:
        from waitress import wasyncore

        # waitress's own run() loops until its socket map is empty; closing that map from another
        # thread races the loop's select() on descriptors the OS may already have reused. So the
        # loop polls in short rounds and closes everything itself once asked to stop.
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=self.server._map, count=1)
        wasyncore.close_all(self.server._map)

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)
        self.server.task_dispatcher.shutdown(timeout=timeout)
        # Listeners still running after their ack (posting a draft, answering) finish before the
        # caller closes the database under them.
        if self._listeners is not None:
            self._listeners.shutdown(wait=True)
        if self._heavy is not None:
            self._heavy.shutdown(wait=True)
