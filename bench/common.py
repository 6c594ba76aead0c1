"""Shared pieces of the benchmarks: servers as subprocesses, the stand-in Slack, percentiles.

Benchmarks run the bot as its own process (`python -m bot serve --http`), as in production, so
the client threads that generate load do not share its interpreter lock.
"""

from __future__ import annotations

import atexit
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/support: the stand-in Slack, the request signer
SECRET = "bench-signing-secret"
OUT = ROOT / "bench" / "out"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(args: Sequence[str], *, api_url: str, db: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a server process; its log goes to bench/out/<name>.log (a pipe nobody reads would fill)."""
    env = dict(os.environ)
    env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api_url)
    if db is not None:
        env["REFERAT_DB"] = str(db)
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / f"{args[1].replace('.', '-')}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, *args], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    # A benchmark that fails halfway must not leave servers running.
    atexit.register(lambda: process.poll() is None and stop(process))
    return process


def wait_healthy(port: int, timeout: float = 30.0) -> float:
    """Seconds until GET /healthz answers; polling a process that is starting up, bounded."""
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"server on port {port} did not come up in {timeout} s")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(name: str, seconds: Sequence[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:<28} n={len(ms):>5}  p50={percentile(ms, 50):7.2f} ms  p99={percentile(ms, 99):7.2f} ms  "
        f"mean={statistics.fmean(ms):7.2f} ms  max={max(ms):7.2f} ms"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
