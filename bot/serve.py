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
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from waitress.server import create_server

from bot.slack.gate import MAX_BODY_BYTES, guard

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer, MultiSocketServer

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
        return self.app.dispatch(bolt_request)


def wsgi_app(app: App, signing_secret: str) -> WsgiApp:
    """Slack's Request URL at /slack/events (behind the gate), plus GET /healthz for load balancers."""
    slack = guard(_Handler(app, path=EVENTS_PATH), signing_secret, EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def http_server(
    app: App, signing_secret: str, host: str, port: int, threads: int = 8
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, not yet running: `.run()` serves, `.close()` stops."""
    return create_server(
        wsgi_app(app, signing_secret),
        host=host,
        port=port,
        threads=threads,
        ident="referat",
        # waitress answers 413 from the Content-Length header alone (it refuses at >= the limit).
        max_request_body_size=MAX_BODY_BYTES + 1,
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
    ) -> None:
        """`listeners` and `heavy` are the executors given to `create_app`; `stop()` waits for
        them, so nothing still runs when the caller closes the database."""
        self.app = app
        self._listeners = listeners
        self._heavy = heavy
        # waitress types create_server as a union; only the TCP server is made here.
        server: Any = http_server(app, signing_secret, host, port, threads=threads)
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
