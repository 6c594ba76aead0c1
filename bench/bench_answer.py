"""Answer latency: a mention with a question → the answer posted in its thread, over HTTP.

`referat serve --http` with the synthetic archive (10,000 meetings by default, spread over 60
channels; built into bench/out/ when missing) answers mention events from the stand-in Slack; a
bare Bolt app that echoes the mention runs beside it, and the two are asked the questions in
turns of 25, so the ratio is what counts on a shared machine. Also prints: the first answer after the start, the Slack look-ups
that first question made (users.*, conversations.*), the database size, the bot's cold start, its
memory after the questions, and a cold `referat ask` against importing its dependencies.

    .venv/bin/python -m bench.bench_answer [--questions 200] [--meetings 10000] [--growth 1000]

With `--growth 1000` the smaller archive is measured first, in the same run, and the growth of the
answer's p50 from it to `--meetings` is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.bench_ask import questions
from bench.common import OUT, SECRET, free_port, peak_rss_mb, percentile, spawn, stop, summary, wait_healthy
from bench.synthetic import CHANNELS, PRIVATE_CHANNELS, generate
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender, mention_event  # type: ignore[import-not-found]

# Questions asked of one app before the other takes its turn.
BLOCK = 25


def ask(sender: SlackSender, fake: FakeSlack, question: str, n: int) -> float:
    """Ask one question (post number `n`); seconds from sending the event to the reply in its thread."""
    ts = f"{n}.000100"
    event = mention_event(f"<@UBOT> {question}", user="UASK", channel="CASK", ts=ts)
    start = time.perf_counter()
    response = sender.event(event, event_id=f"Ev{n}")
    assert response.status == 200, response
    fake.wait_for(
        lambda: [c for c in fake.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts], timeout=30
    )
    return time.perf_counter() - start


def ask_all(sender: SlackSender, fake: FakeSlack, mix: list[str], first_ts: int) -> list[float]:
    """Ask each question in turn; time from sending the event to the reply in its thread."""
    return [ask(sender, fake, question, first_ts + n) for n, question in enumerate(mix)]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_seconds(args: list[str], db: Path, runs: int = 3) -> float:
    """Median wall time of a fresh interpreter running `args` (the operating system's file cache warm)."""
    env = dict(os.environ, REFERAT_DB=str(db))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass
class Run:
    """What one archive size measured."""

    db: Path
    referat: list[float]  # seconds from a question to its answer in the thread
    echo: list[float]  # the same for the bare Bolt app
    first: float  # the first answer after the start
    lookups: list[str]  # Slack methods asked for users and conversations
    cold: float  # spawn → healthy
    rss: float  # peak
    rss_now: float


def measure(meetings: int, mix: list[str], base: int) -> Run:
    """One archive size: the bot's and the bare app's latencies over the same questions, and the rest."""
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"archive-{meetings}.db"
    if not db.exists():
        started = time.perf_counter()
        generate(db, meetings)
        print(f"generated the archive of {meetings} meetings in {time.perf_counter() - started:.0f} s")
    with FakeSlack() as fake:
        fake.add_user("UASK", "Spørger Spørgsen")
        fake.add_channel("CASK", "spoergsmaal", members=["UASK"])
        # The archive's 60 channels: the asker is in every other one, private ones included.
        for n, channel in enumerate(CHANNELS):
            fake.add_channel(
                channel,
                channel.lower(),
                private=channel in PRIVATE_CHANNELS,
                members=["UASK"] if n % 2 else [],
            )
        port = free_port()
        started = time.perf_counter()
        bot = spawn(["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=Path(db))
        wait_healthy(port)
        cold = time.perf_counter() - started
        sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
        lookups_before = len([c for c in fake.calls if c.method.startswith(("users.", "conversations."))])
        first = ask_all(sender, fake, ["hvad blev besluttet om indbrud?"], base)
        bare_port = free_port()
        bare = spawn(["-m", "bench.bare_app", "--port", str(bare_port)], api_url=fake.api_url)
        wait_healthy(bare_port)
        bare_sender = SlackSender(f"http://127.0.0.1:{bare_port}", SECRET)
        # The questions to both in turns of BLOCK: a machine that slows down during the run slows
        # both alike, and the ratio stays what the work makes it.
        referat, echo = [], []
        for start in range(0, len(mix), BLOCK):
            for n in range(start, min(start + BLOCK, len(mix))):
                referat.append(ask(sender, fake, mix[n], base + 1 + n))
            for n in range(start, min(start + BLOCK, len(mix))):
                echo.append(ask(bare_sender, fake, mix[n], base + 1 + len(mix) + n))
        # Every look-up of the run: the first question's (its thread answer and the asker's own,
        # for the offer); the others found Slack's facts kept.
        lookups = [c.method for c in fake.calls if c.method.startswith(("users.", "conversations."))]
        lookups = lookups[lookups_before:]
        rss = peak_rss_mb(bot.pid)
        rss_now = rss_mb(bot.pid)
        stop(bare)
        stop(bot)
    return Run(db, referat, echo, first[0], lookups, cold, rss, rss_now)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument(
        "--growth", type=int, metavar="SMALLER", help="also measure this smaller archive and print the growth"
    )
    args = parser.parse_args()
    mix = questions(args.questions)
    # The archive keeps which posts it answered (redeliveries act once): every run needs new ts.
    base = int(time.time()) * 1000
    smaller = measure(args.growth, mix, base) if args.growth else None
    found = measure(args.meetings, mix, base + 10 * (len(mix) + 1))
    db, referat, echo, lookups = found.db, found.referat, found.echo, found.lookups

    ask_cold = cold_seconds(["-m", "bot", "ask", "hvad blev besluttet om indbrud?"], db)
    imports = cold_seconds(["-c", "import slack_bolt, sqlite_utils, dateparser"], db)

    print(f"answer latency over {args.meetings} meetings, {len(mix)} questions, mention → reply in thread")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(summary("referat", referat))
    print(summary("bare Bolt app (echo)", echo))
    ratio = percentile(referat, 50) / percentile(echo, 50)
    print(f"p50 ratio referat/echo: {ratio:.1f}  (goal ≤ 3 at 10,000, ≤ 5 at 100,000; p99 < 250 ms)")
    if smaller is not None:
        small = smaller.referat
        print(summary(f"referat at {args.growth} meetings", small))
        print(summary(f"bare Bolt app (echo) at {args.growth}", smaller.echo))
        print(
            f"growth of the p50 from {args.growth} to {args.meetings} meetings: "
            f"{percentile(referat, 50) / percentile(small, 50):.2f}  (goal ≤ 2 from 1,000 to 10,000)"
        )
    print(f"first answer after the start: {found.first * 1000:.0f} ms  (goal ≤ 1 s at 10,000)")
    print(
        f"Slack look-ups in the whole run ({len(CHANNELS)} channels; facts kept a minute): {len(lookups)} {lookups}"
    )
    print(f"cold start of referat serve on this archive, spawn → healthy: {found.cold * 1000:.0f} ms")
    print(f"database size: {db.stat().st_size / 1e6:.0f} MB")
    print(f"memory of referat serve after the questions: {found.rss_now:.0f} MB (peak {found.rss:.0f} MB)")
    print(
        f"cold `referat ask`: {ask_cold * 1000:.0f} ms; importing slack_bolt, sqlite_utils, dateparser: "
        f"{imports * 1000:.0f} ms (ratio {ask_cold / imports:.1f}; goal ≤ 2 at 10,000)"
    )


if __name__ == "__main__":
    main()
