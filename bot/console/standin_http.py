"""The stand-in's HTTP door: requests in, the stand-in's replies out, on 127.0.0.1.

Like Slack it serves HTTP/1.1, so a client may keep its connection for the next call, and it sends
each answer at once. It counts the connections clients open and can close them all, as Slack closes
one a client has left idle: tests of the bot's kept connections (bot/slack/transport.py) read both.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.console.records import Reply

MAX_BODY_BYTES = 20 * 1024 * 1024
SOCKET_TIMEOUT = 10.0

# The stand-in's router: path, content type, body and token to the reply.
Route = Callable[[str, str, bytes, "str | None"], Reply]


class Connections:
    """The connections clients opened, and those open now."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.opened = 0
        self.ended = 0  # connections whose thread is done, after any error was reported
        self.open: set[socket.socket] = set()
        self.errors: list[BaseException] = []  # what ended a connection's thread with an error

    def add(self, conn: socket.socket) -> None:
        with self.lock:
            self.opened += 1
            self.open.add(conn)

    def discard(self, conn: socket.socket) -> None:
        with self.lock:
            self.open.discard(conn)

    def close_all(self) -> None:
        with self.lock:
            open_now = list(self.open)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class StandInServer(ThreadingHTTPServer):
    """A thread per connection on a free port of 127.0.0.1; `route` answers every request."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.connections = Connections()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            self.connections.errors.append(error)
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        with self.connections.lock:
            self.connections.ended += 1


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer
    timeout = SOCKET_TIMEOUT  # applied to the connection socket by StreamRequestHandler
    # Like Slack, a connection stays open for the next call (HTTP/1.1) unless the client closes it;
    # each answer goes out at once, not held back for the client's acknowledgement of the last.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.connections.add(self.connection)

    def handle(self) -> None:
        # A client may drop a kept connection at any time (a stopped bot): that ends it, no error.
        with contextlib.suppress(ConnectionError):
            super().handle()

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        super().finish()

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the recorded calls are the log

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(Reply(status=413, body=b"too large", content_type="text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else (auth or None)
        self._send(self.server.route(self.path, self.headers.get_content_type(), body, token))

    def _send(self, reply: Reply) -> None:
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
