"""Ack latency: `/referat ad` under 8 concurrent senders, against a bare Bolt app in the same run.

Prints p50/p99 of the HTTP answer for both (and for the bare app answered at its ack, as referat
is), their ratios, how many commands were stored, the
bot's peak RSS, and the cold start of `referat serve` to its first answered command.

    .venv/bin/python -m bench.bench_ack [--commands 1000] [--senders 8]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import SECRET, free_port, peak_rss_mb, spawn, stop, summary, wait_healthy
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender  # type: ignore[import-not-found]

ITEMS = 8


def fire(
    sender: SlackSender, texts: list[str], senders: int, users: list[str]
) -> tuple[list[float], list[str]]:
    """Send every text concurrently; returns latencies and the texts whose storing was confirmed."""

    def one(i: int) -> tuple[float, str | None]:
        start = time.perf_counter()
        response = sender.command(texts[i], user=users[i % len(users)], channel="CBENCH")
        elapsed = time.perf_counter() - start
        confirmed = response.status == 200 and '"Nr. ' in response.body
        return elapsed, texts[i] if confirmed else None

    with ThreadPoolExecutor(max_workers=senders) as pool:
        results = list(pool.map(one, range(len(texts))))
    return [r[0] for r in results], [t for _, t in results if t]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()

    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        users = [f"U{n:03d}" for n in range(args.senders)]
        for user in users:
            fake.add_user(user, f"Deltager {user}")
        db = Path(tmp) / "bench.db"

        # Cold start: process spawn to the first answered /referat command.
        port = free_port()
        started = time.perf_counter()
        bot = spawn(["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=db)
        wait_healthy(port)
        sender = SlackSender(f"http://127.0.0.1:{port}", SECRET, response_url_factory=fake.new_response_url)
        first = sender.command("status", user=users[0], channel="CBENCH")
        cold = time.perf_counter() - started
        assert first.status == 200, first

        sender.command("start Benchmarkmøde | 19. marts 2024 | rådhuset", user=users[0], channel="CBENCH")
        for user in users:
            sender.command(f"deltager <@{user}> | Konsulent | kommunen", user=users[0], channel="CBENCH")
        agenda = "\n".join(f"{n}. Punkt {n}" for n in range(1, ITEMS + 1))
        sender.command(f"dagsorden\n{agenda}", user=users[0], channel="CBENCH")
        warm = [f"ad {1 + n % ITEMS} opvarmning {n}" for n in range(50)]
        fire(sender, warm, args.senders, users)
        # Spread over the agenda like a meeting: each statement also rebuilds its item's search
        # document, so one item with every statement would measure that, not the command.
        texts = [
            f"ad {1 + n % ITEMS} orienterede om punkt nummer {n} i samarbejdsplanen."
            for n in range(args.commands)
        ]
        referat_latency, answered = fire(sender, texts, args.senders, users)
        rss = peak_rss_mb(bot.pid)
        stop(bot)

        def bare_run(*flags: str) -> list[float]:
            port = free_port()
            bare = spawn(["-m", "bench.bare_app", "--port", str(port), *flags], api_url=fake.api_url)
            wait_healthy(port)
            bare_sender = SlackSender(
                f"http://127.0.0.1:{port}", SECRET, response_url_factory=fake.new_response_url
            )
            fire(bare_sender, warm, args.senders, users)
            latency, _ = fire(bare_sender, texts, args.senders, users)
            stop(bare)
            return latency

        bare_latency = bare_run()
        # The same bare app answered the moment it acks, as referat is (bot/slack/prompt_ack.py):
        # referat's own work, without Bolt's 10 ms look on either side.
        prompt_latency = bare_run("--prompt-ack")

        conn = sqlite3.connect(db)
        stored = {
            row[0] for row in conn.execute("select text from entries where text like 'orienterede om punkt%'")
        }
        conn.close()

    from bench.common import percentile

    ratio = percentile(referat_latency, 50) / percentile(bare_latency, 50)
    own = percentile(referat_latency, 50) / percentile(prompt_latency, 50)
    print(f"ack latency, {args.commands} × /referat ad, {args.senders} concurrent senders, HTTP on loopback")
    print(summary("referat", referat_latency))
    print(summary("bare Bolt app (ack only)", bare_latency))
    print(summary("bare app answered at ack", prompt_latency))
    print(f"p50 ratio referat/bare: {ratio:.2f}  (goal ≤ 1.3)")
    print(f"p50 ratio referat/bare answered at ack: {own:.2f}  (referat's own work)")
    confirmed_stored = all(t.split(" ", 2)[2] in stored for t in answered)
    print(
        f"confirmed: {len(answered)}/{len(texts)}; stored: {len(stored)}; every confirmed one stored: {confirmed_stored}"
    )
    print(f"peak RSS of referat serve: {rss:.1f} MB")
    print(f"cold start, spawn → first answered command: {cold * 1000:.0f} ms")


if __name__ == "__main__":
    main()
