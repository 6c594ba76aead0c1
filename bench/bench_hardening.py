"""Commands under heavy exports and under idle or slow clients, against `referat serve --http`.

Two runs, each on a fresh server process (as in production) with the stand-in Slack:

- exports: a meeting of 400 entries (about 500 characters each) is logged over signed HTTP, then
  6 `/referat eksport pdf` are sent at once and, until their files have arrived, a `/referat ad`
  every 0.25 s. Prints the acknowledgement latencies of those commands, how many took 3 s or
  more, when the PDFs arrived, and the peak RSS of the server and of its PDF children.
- idle: 100 connections are opened and left idle, and 300 more send a header byte a second, then
  60 commands are sent one after another; prints their latencies, and how many took 3 s or more.

    python -m bench.bench_hardening [--entries 400] [--exports 6] [--idle 100] [--slow 300]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import SECRET, free_port, peak_rss_mb, spawn, stop, summary, wait_healthy
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender  # type: ignore[import-not-found]

SLACK_BUDGET = 3.0
SENTENCE = (
    "Politidirektøren orienterede om tryghedsindsatsen i boligområdet, hvor antallet af anmeldelser "
    "er faldet, og kommunen oplyste, at den opsøgende indsats fortsætter med to medarbejdere. "
)


def _children_rss_mb(pid: int) -> float:
    """The summed resident memory of `pid`'s child processes now (the PDF layouts)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def _server(fake: FakeSlack, db: Path) -> tuple[object, int, SlackSender]:
    port = free_port()
    server = spawn(["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=db)
    wait_healthy(port)
    return (
        server,
        port,
        SlackSender(f"http://127.0.0.1:{port}", SECRET, response_url_factory=fake.new_response_url),
    )


def _timed(sender: SlackSender, text: str) -> float:
    started = time.perf_counter()
    response = sender.command(text, user="U1", channel="C1")
    elapsed = time.perf_counter() - started
    assert response.status == 200, response.status
    return elapsed


def run_exports(entries: int, exports: int) -> None:
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_user("U1", "Bench Bruger")
        server, _, sender = _server(fake, Path(tmp) / "r.db")
        pid = server.pid  # type: ignore[attr-defined]
        try:
            _timed(sender, "start Tungt møde | 19. marts 2024")
            _timed(sender, "dagsorden\n" + "\n".join(f"{n}. Punkt {n}" for n in range(1, 11)))
            started = time.perf_counter()
            for n in range(entries):
                _timed(sender, f"ad {n % 10 + 1} {n}: {SENTENCE * 3}")
            print(f"logged {entries} entries in {time.perf_counter() - started:.1f} s")
            before = peak_rss_mb(pid)
            child_peak = 0.0
            stop_sampling = threading.Event()

            def sample() -> None:
                nonlocal child_peak
                while not stop_sampling.is_set():
                    child_peak = max(child_peak, _children_rss_mb(pid))
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            begun = time.perf_counter()
            with ThreadPoolExecutor(exports) as pool:
                export_acks = list(pool.map(lambda _: _timed(sender, "eksport pdf"), range(exports)))
            latencies: list[float] = []
            arrived: list[float] = []
            deadline = begun + 300
            n = 0
            while time.perf_counter() < deadline:
                pdfs = [f for f in fake.files if f.name.endswith(".pdf")]
                while len(arrived) < len(pdfs):
                    arrived.append(time.perf_counter() - begun)
                told = [r for r in fake.responses if "PDF" in str(r.body.get("text", ""))]
                if len(pdfs) + len(told) >= exports:
                    break
                latencies.append(_timed(sender, f"ad 1 Under eksporten {n}."))
                n += 1
                time.sleep(0.25)
            stop_sampling.set()
            sampler.join()
            print(summary("eksport pdf acks", export_acks))
            print(summary("ad during the exports", latencies))
            print(f"commands at or over {SLACK_BUDGET} s: {sum(1 for s in latencies if s >= SLACK_BUDGET)}")
            print(f"PDFs arrived after (s): {', '.join(f'{s:.1f}' for s in arrived)}")
            print(f"server peak RSS: {before:.0f} MB before, {peak_rss_mb(pid):.0f} MB after")
            print(f"PDF children, peak summed RSS: {child_peak:.0f} MB")
        finally:
            stop(server)  # type: ignore[arg-type]


def run_idle(idle: int, slow: int) -> None:
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_user("U1", "Bench Bruger")
        server, port, sender = _server(fake, Path(tmp) / "r.db")
        sockets: list[socket.socket] = []
        stop_trickle = threading.Event()
        try:
            _timed(sender, "start Tomgang | 19. marts 2024")
            _timed(sender, "dagsorden\n1. Punkt")
            for _ in range(idle):
                sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            slow_socks = []
            for _ in range(slow):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
                slow_socks.append(sock)
            sockets += slow_socks

            def trickle() -> None:
                while not stop_trickle.wait(1.0):
                    for sock in slow_socks:
                        with contextlib.suppress(OSError):
                            sock.send(b"X")

            threading.Thread(target=trickle, daemon=True).start()
            latencies = []
            for n in range(60):
                latencies.append(_timed(sender, f"ad 1 Mens forbindelserne venter {n}."))
                time.sleep(0.25)
            print(f"{idle} idle + {slow} slow-header connections open")
            print(summary("ad with idle clients", latencies))
            print(f"commands at or over {SLACK_BUDGET} s: {sum(1 for s in latencies if s >= SLACK_BUDGET)}")
        finally:
            stop_trickle.set()
            for sock in sockets:
                sock.close()
            stop(server)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--exports", type=int, default=6)
    parser.add_argument("--idle", type=int, default=100)
    parser.add_argument("--slow", type=int, default=300)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    run_idle(args.idle, args.slow)
    run_exports(args.entries, args.exports)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
