"""Answer latency: a mention with a question → the answer posted in its thread, over HTTP.

`referat serve --http` with the synthetic 10,000-meeting archive (built by bench.bench_ask into
bench/out/ when missing) answers mention events from the stand-in Slack; a bare Bolt app that
echoes the mention is measured the same way in the same run. Also prints the database size, the
bot's cold start on that archive and its peak RSS with the archive open.

    .venv/bin/python -m bench.bench_answer [--questions 200] [--meetings 10000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.bench_ask import questions
from bench.common import OUT, SECRET, free_port, peak_rss_mb, percentile, spawn, stop, summary, wait_healthy
from bench.synthetic import generate
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender, mention_event  # type: ignore[import-not-found]


def ask_all(sender: SlackSender, fake: FakeSlack, mix: list[str], first_ts: int) -> list[float]:
    """Ask each question in turn; time from sending the event to the reply in its thread."""
    latencies = []
    for n, question in enumerate(mix):
        ts = f"{first_ts + n}.000100"
        event = mention_event(f"<@UBOT> {question}", user="UASK", channel="CASK", ts=ts)
        start = time.perf_counter()
        response = sender.event(event, event_id=f"Ev{first_ts + n}")
        assert response.status == 200, response
        fake.wait_for(
            lambda ts=ts: [c for c in fake.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts],
            timeout=30,
        )
        latencies.append(time.perf_counter() - start)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--meetings", type=int, default=10_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"archive-{args.meetings}.db"
    if not db.exists():
        started = time.perf_counter()
        generate(db, args.meetings)
        print(f"generated the archive in {time.perf_counter() - started:.0f} s")
    mix = questions(args.questions)

    with FakeSlack() as fake:
        fake.add_user("UASK", "Spørger Spørgsen")
        port = free_port()
        started = time.perf_counter()
        bot = spawn(["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=Path(db))
        wait_healthy(port)
        cold = time.perf_counter() - started
        sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
        # The archive keeps which posts it answered (redeliveries act once): every run needs new ts.
        base = int(time.time()) * 1000
        first = ask_all(sender, fake, ["hvad blev besluttet om indbrud?"], base)
        referat = ask_all(sender, fake, mix, base + 1)
        rss = peak_rss_mb(bot.pid)
        stop(bot)

        port = free_port()
        bare = spawn(["-m", "bench.bare_app", "--port", str(port)], api_url=fake.api_url)
        wait_healthy(port)
        bare_sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
        echo = ask_all(bare_sender, fake, mix, base + 1 + len(mix))
        stop(bare)

    print(f"answer latency over {args.meetings} meetings, {len(mix)} questions, mention → reply in thread")
    print(summary("referat", referat))
    print(summary("bare Bolt app (echo)", echo))
    ratio = percentile(referat, 50) / percentile(echo, 50)
    print(f"p50 ratio referat/echo: {ratio:.1f}  (goal ≤ 10, p50 ≤ 50 ms)")
    print(f"first question (loads vocabulary): {first[0] * 1000:.0f} ms")
    print(f"cold start of referat serve on this archive, spawn → healthy: {cold * 1000:.0f} ms")
    print(f"database size: {db.stat().st_size / 1e6:.0f} MB")
    print(f"peak RSS of referat serve with the archive open: {rss:.0f} MB")


if __name__ == "__main__":
    main()
