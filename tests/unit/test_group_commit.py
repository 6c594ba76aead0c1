"""Group commit (storage.base.CommitGroup): every acknowledged statement survives kill -9, in order.

A child process logs statements from 8 threads at once and prints each one the moment `add_entry`
returns (the moment the bot would acknowledge it); it is killed with SIGKILL mid-stream. Every
statement it acknowledged must be in the database, each sender's in the order it sent them, and
none twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from storage.store import StoreOpener

ROOT = Path(__file__).resolve().parents[2]
SENDERS = 8
ACKS_BEFORE_KILL = 240

CHILD = """
import datetime as dt, sys, threading
from storage.records import EntryKind
from storage.store import StoreOpener

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
opener = StoreOpener(sys.argv[1])
store = opener()
meeting = store.create_meeting(
    title="Kredsrådsmøde", date=dt.date(2024, 3, 19), place=None, channel_id="C1",
    starter_user_id="UMINUTES", now=NOW, team_id="T1",
)
store.set_agenda(meeting.id, [(1, "Orientering", (), ())])
printing = threading.Lock()

def send(sender):
    mine = opener()
    for n in range(1_000_000):
        entry = mine.add_entry(
            meeting.id, item_number=1, kind=EntryKind.STATEMENT, text=f"S{sender} nr. {n}",
            author_user_id="UMINUTES", now=NOW,
        )
        with printing:
            print(f"ack {sender} {n} {entry.seq}", flush=True)

threads = [threading.Thread(target=send, args=(s,), daemon=True) for s in range(int(sys.argv[2]))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
"""


def test_every_acknowledged_statement_is_stored_in_order_after_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(SENDERS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acks: list[tuple[int, int, int]] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:  # bounded: the child writes until it is killed
            acks.append(tuple(int(x) for x in line.split()[1:]))  # type: ignore[arg-type]
            if len(acks) >= ACKS_BEFORE_KILL:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        rest, errors = child.communicate(timeout=30)
    # Lines printed before the kill were acknowledged too.
    acks += [tuple(int(x) for x in line.split()[1:]) for line in rest.splitlines() if line.startswith("ack")]  # type: ignore[misc]
    assert len(acks) >= ACKS_BEFORE_KILL, errors
    stored = {e.text: e.seq for e in StoreOpener(db)().entries(1)}
    for sender, n, seq in acks:
        assert stored.get(f"S{sender} nr. {n}") == seq, (sender, n)
    by_sender: dict[int, list[tuple[int, int]]] = {}
    for text, seq in stored.items():
        sender, n = text.removeprefix("S").split(" nr. ")
        by_sender.setdefault(int(sender), []).append((int(n), seq))
    for sent in by_sender.values():
        sent.sort()
        assert [n for n, _ in sent] == list(range(len(sent)))  # each sender's, with no gap
        assert [seq for _, seq in sent] == sorted(seq for _, seq in sent)  # in the order sent
    assert sorted(stored.values()) == list(range(1, len(stored) + 1))  # none twice, no hole


def test_a_claim_skips_the_disk_flush_and_leaves_statements_durable(tmp_path: Path) -> None:
    import datetime as dt

    store = StoreOpener(tmp_path / "referat.db")()
    now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    assert store.claim_event("post:T1:C1:1.0001", now)
    assert not store.claim_event("post:T1:C1:1.0001", now)  # a redelivery does not act again
    # Only the claim itself was relaxed: every statement after it is flushed before it is confirmed.
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
