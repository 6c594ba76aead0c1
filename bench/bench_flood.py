"""Peak memory of `referat serve --http` under a flood of unsigned oversized bodies.

Three clients at once each announce a 30 MB body and stream it as fast as the server takes it;
the server must refuse each one (413) without reading it, stay small, and keep answering real
commands. Prints the time until all three were refused, the server's peak RSS (VmHWM) before and
after, and that no Slack call was made for them.

    python -m bench.bench_flood [--clients 3] [--megabytes 30]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import SECRET, free_port, peak_rss_mb, spawn, stop, wait_healthy
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender  # type: ignore[import-not-found]

CHUNK = b"{" + b" " * (256 * 1024 - 1)


def flood(port: int, megabytes: int) -> tuple[int, float, int]:
    """Announce and stream an unsigned body; the status, seconds until the answer, bytes sent."""
    size = megabytes * 1024 * 1024
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: not-a-number\r\nX-Slack-Signature: v0=0\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode("ascii")
    started = time.perf_counter()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        while b"\r\n" not in answer:
            try:
                answer += sock.recv(4096)
                if not answer:
                    break
            except BlockingIOError:
                pass
            if sent < size and b"\r\n" not in answer:
                try:
                    sent += sock.send(CHUNK[: min(len(CHUNK), size - sent)])
                except BlockingIOError:
                    time.sleep(0.001)
                except (BrokenPipeError, ConnectionResetError):
                    break
            elif sent >= size:
                time.sleep(0.001)
            if time.perf_counter() - started > 30:
                break
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started, sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--megabytes", type=int, default=30)
    args = parser.parse_args()
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_user("U1", "Bench Bruger")
        port = free_port()
        server = spawn(
            ["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=Path(tmp) / "r.db"
        )
        try:
            wait_healthy(port)
            sender = SlackSender(
                f"http://127.0.0.1:{port}", SECRET, response_url_factory=fake.new_response_url
            )
            assert sender.command("start Flodmøde", user="U1").status == 200
            before = peak_rss_mb(server.pid)
            calls_before = len(fake.calls)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                results = list(pool.map(lambda _: flood(port, args.megabytes), range(args.clients)))
            elapsed = time.perf_counter() - started
            after = peak_rss_mb(server.pid)
            calls = len(fake.calls) - calls_before
            still = sender.command("status", user="U1")
        finally:
            stop(server)
    for status, seconds, sent in results:
        print(
            f"  {args.megabytes} MB unsigned body: HTTP {status} after {seconds * 1000:.0f} ms, {sent / 1e6:.1f} MB sent"
        )
    print(
        f"{args.clients} × {args.megabytes} MB unsigned, concurrently: all refused in {elapsed:.2f} s; "
        f"peak RSS {before:.0f} MB before, {after:.0f} MB after; Slack calls for them: {calls}; "
        f"a signed command afterwards: HTTP {still.status}"
    )


if __name__ == "__main__":
    main()
