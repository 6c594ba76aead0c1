"""Faults the bot must survive: a killed process, a locked or full database, a failing Slack, redeliveries.

The promise under test is the one the user reads: a statement the bot confirmed is stored exactly
once, a refused or failed command stores nothing (no entry without its audit row), and whatever
went wrong is said to the user in Danish instead of a timeout or silence.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import types
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.listener import thread_runner
from test_capture import log_meeting, start_meeting

import storage.store
from bot.slack.errors import APOLOGY, BUSY, DISK
from bot.text.sizes import MAX_ENTRY_CHARS
from storage.connection import BUSY_TIMEOUT_MS
from support.app import SECRET, Bot, Clock, answer_text
from support.paths import REPO
from support.retries import instant_retries
from support.slack_fake import BOT_USER_ID, FakeMessage, FakeSlack
from support.slack_requests import SlackSender, mention_event, message_event

SLACK_BUDGET = 3.0  # seconds Slack waits for a slash command's answer


# ---------------------------------------------------------------------------------------------
# Helpers.


def row_counts(db_path: Path) -> dict[str, int]:
    """Rows per table, read over a fresh connection as another process would see the file."""
    conn = sqlite3.connect(db_path)
    try:
        tables = ("meetings", "agenda_items", "entries", "audit", "drafts", "processed_events")
        counts = {t: int(conn.execute(f"select count(*) from {t}").fetchone()[0]) for t in tables}
        counts["audit_add"] = int(
            conn.execute("select count(*) from audit where action = 'add'").fetchone()[0]
        )
        return counts
    finally:
        conn.close()


def entry_texts(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [str(r[0]) for r in conn.execute("select text from entries order by seq")]
    finally:
        conn.close()


def assert_consistent(db_path: Path) -> None:
    """Every entry has its audit row and the numbering has no holes: nothing was half-stored."""
    counts = row_counts(db_path)
    assert counts["entries"] == counts["audit_add"], counts
    conn = sqlite3.connect(db_path)
    try:
        seqs = [int(r[0]) for r in conn.execute("select seq from entries order by seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def timed_cmd(bot: Bot, text: str) -> tuple[str, float]:
    started = time.monotonic()
    response = bot.sender.command(text, user="UMINUTES", channel="C1")
    elapsed = time.monotonic() - started
    assert response.status == 200, (response.status, response.body)
    return answer_text(response), elapsed


class BotProcess:
    """`referat serve --http` in a child process, its log read on a thread (so the pipe never fills)."""

    READY = re.compile(r"referat lytter på (http://127\.0\.0\.1:\d+)/")

    def __init__(self, fake: FakeSlack, db_path: Path) -> None:
        self.url = ""  # from the log line once it listens: port 0 lets the system pick a free port
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REFERAT_"))}
        env.update(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            REFERAT_DB=str(db_path),
            PYTHONPATH=str(REPO),
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port", "0"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)
            ready = self.READY.search(line)
            if ready is not None:
                self.url = ready.group(1)
                self._ready.set()
        self._ready.set()  # the process ended: stop waiting

    def wait_ready(self, timeout: float = 15.0) -> None:
        if not self._ready.wait(timeout) or self.proc.poll() is not None:
            raise AssertionError("referat serve did not come up:\n" + "".join(self.log[-30:]))
        # The socket listens before the log line is written, so the health check answers at once.
        with urllib.request.urlopen(self.url + "/healthz", timeout=5) as answer:
            assert answer.status == 200

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no shutdown code runs
        self.proc.wait(timeout=10)
        self._reader.join(timeout=5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(timeout=5)


@contextlib.contextmanager
def bot_process(fake: FakeSlack, db_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(fake, db_path)
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


# ---------------------------------------------------------------------------------------------
# kill -9 while statements stream in.

WRITERS = 4
PER_WRITER = 300
KILL_AFTER = 24  # confirmed statements before the kill; the writers are still going


def test_kill_9_mid_stream_keeps_every_confirmed_statement_once(fake: FakeSlack, tmp_path: Path) -> None:
    db_path = tmp_path / "referat.db"
    confirmed: list[str] = []
    unanswered: list[str] = []
    other_answers: list[str] = []
    progress = threading.Condition()

    with bot_process(fake, db_path) as first:
        sender = SlackSender(first.url, SECRET, response_url_factory=fake.new_response_url)

        def cmd(text: str) -> str:
            response = sender.command(text, user="UMINUTES", channel="C1")
            assert response.status == 200, response
            return answer_text(response)

        assert "Mødet er startet" in cmd("start Kredsrådsmøde | 19. marts 2024")
        assert "Dagsordenen er gemt" in cmd("dagsorden\n1. Orientering fra politiet\n2. Eventuelt")

        def write(writer: int) -> None:
            for n in range(PER_WRITER):
                text = f"Statement w{writer}-n{n}"
                try:
                    response = sender.command(f"ad 1 {text}", user="UMINUTES", channel="C1")
                except (OSError, http.client.HTTPException):
                    with progress:
                        unanswered.append(text)
                    return  # the process is gone
                answer = answer_text(response) if response.status == 200 else ""
                with progress:
                    if response.status == 200 and "gemt" in answer and text in answer:
                        confirmed.append(text)
                    else:
                        other_answers.append(f"{response.status} {answer!r}")
                    progress.notify_all()

        writers = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(WRITERS)]
        for thread in writers:
            thread.start()
        with progress:
            assert progress.wait_for(lambda: len(confirmed) >= KILL_AFTER, timeout=20), other_answers
        first.kill()
        for thread in writers:
            thread.join(timeout=15)
            assert not thread.is_alive()

    # Concurrent writers queue on the write lock; none of them is told the database is busy.
    assert other_answers == []
    assert len(confirmed) < WRITERS * PER_WRITER, "the kill came after the stream had ended"
    assert unanswered, "no request was cut off by the kill"

    with bot_process(fake, db_path) as second:
        texts = entry_texts(db_path)
        assert len(texts) == len(set(texts)), "a statement was stored twice"
        assert set(confirmed) <= set(texts), set(confirmed) - set(texts)
        assert set(texts) <= set(confirmed) | set(unanswered)
        assert_consistent(db_path)
        # The restarted bot carries on numbering after the last stored statement.
        sender = SlackSender(second.url, SECRET, response_url_factory=fake.new_response_url)
        after = answer_text(sender.command("ad 2 Efter genstarten.", user="UMINUTES", channel="C1"))
        assert after.startswith(f"Nr. {len(texts) + 1} gemt")


# ---------------------------------------------------------------------------------------------
# The database file locked by another writer.


@contextlib.contextmanager
def write_locked(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's open write transaction on the file (as a backup tool or a second bot holds it)."""
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("insert into processed_events (key, at_utc) values ('lock-holder', '2026-01-01')")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


def test_short_lock_is_waited_out_within_slacks_budget(bot: Bot) -> None:
    log_meeting(bot)
    before = row_counts(bot.db_path)
    with write_locked(bot.db_path) as holder:
        # The other writer commits after half a second, while the bot waits for the lock.
        release = threading.Timer(0.5, holder.execute, args=("COMMIT",))
        release.start()
        try:
            answer, elapsed = timed_cmd(bot, "ad 1 Skrevet mens databasen var låst.")
        finally:
            release.join()
    assert answer.startswith("Nr. 1 gemt"), answer
    assert 0.4 <= elapsed < SLACK_BUDGET, elapsed  # it did wait for the lock, and not too long
    assert entry_texts(bot.db_path) == ["Skrevet mens databasen var låst."]
    after = row_counts(bot.db_path)
    assert after["entries"] == before["entries"] + 1
    assert after["audit"] == before["audit"] + 1
    assert_consistent(bot.db_path)


def test_long_lock_answers_try_again_and_stores_nothing(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    log_meeting(bot)
    before = row_counts(bot.db_path)
    with caplog.at_level(logging.ERROR), write_locked(bot.db_path):
        answer, elapsed = timed_cmd(bot, "ad 1 Skrevet mens databasen var låst for længe.")
        assert answer == BUSY
        assert BUSY_TIMEOUT_MS / 1000 - 0.3 <= elapsed < SLACK_BUDGET, elapsed
        assert row_counts(bot.db_path) == before
        # Reading is not blocked by a writer (WAL): status still answers at once.
        status, elapsed = timed_cmd(bot, "status")
        assert "Orientering fra politiet" in status
        assert elapsed < 1.0
    failures = [r for r in caplog.records if r.exc_info and "locked" in r.getMessage()]
    assert failures, "the busy database was not logged with its traceback"
    # Once the other writer is gone, the same command works.
    assert timed_cmd(bot, "ad 1 Skrevet mens databasen var låst for længe.")[0].startswith("Nr. 1 gemt")
    assert_consistent(bot.db_path)


# ---------------------------------------------------------------------------------------------
# Slack failing while the bot posts a draft.


def drafts_posted(fake: FakeSlack, channel: str = "C1") -> list[Any]:
    return [m for m in fake.messages(channel) if m.blocks and not m.is_reply]


def logged_meeting(bot: Bot) -> list[str]:
    log_meeting(bot)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE")
    bot.cmd("ad 3 beslutning: Der var enighed om at fortsætte samarbejdet.")
    return entry_texts(bot.db_path)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The real retry handlers, with their waits recorded instead of slept."""
    return instant_retries(monkeypatch)


def drain(bot: Bot) -> None:
    """Let every listener still running after its ack finish (posting, answering), then restart."""
    bot.restart()


@pytest.mark.parametrize(
    ("fault", "attempts"),
    [
        pytest.param({"status": 429, "retry_after": 1}, 2, id="rate-limited"),
        pytest.param({"status": 500}, 2, id="server-error"),
        pytest.param({"status": 503, "times": 2}, 3, id="two-server-errors"),
        pytest.param({"drop_connection": True}, 2, id="dropped-connection"),
    ],
)
def test_transient_slack_failure_is_retried_and_posts_once(
    bot: Bot, fake: FakeSlack, fault: dict[str, Any], attempts: int, retry_waits: list[float]
) -> None:
    texts = logged_meeting(bot)
    fake.fail_next("chat.postMessage", **fault)
    assert "samles" in bot.cmd("udkast")
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v1" in r.text], timeout=10)
    drain(bot)
    assert len(drafts_posted(fake)) == 1
    assert len(fake.calls_to("chat.postMessage")) == attempts
    assert len(retry_waits) == attempts - 1
    if "retry_after" in fault:
        assert fault["retry_after"] <= retry_waits[0] < fault["retry_after"] + 1  # Retry-After honoured
    assert entry_texts(bot.db_path) == texts


def test_rate_limited_update_of_the_draft_is_retried(
    bot: Bot, fake: FakeSlack, retry_waits: list[float]
) -> None:
    logged_meeting(bot)
    bot.cmd("udkast")
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v1" in r.text])  # stored where it went
    top = drafts_posted(fake)[0]
    bot.cmd("ad 2 oplyste om Boligtotale.", user="USTOVE")
    bot.settle()  # v1's top message now says it is stale (one update)
    earlier = len(fake.calls_to("chat.update"))
    fake.fail_next("chat.update", status=429, retry_after=1)
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.cmd("udkast")
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v2" in r.text], timeout=10)
    drain(bot)
    assert [c.status for c in fake.calls_to("chat.update")[earlier:]] == [429, 200]
    assert len(retry_waits) == 2
    assert all(1 <= wait < 2 for wait in retry_waits)  # Retry-After: 1, plus jitter
    updated = fake.message("C1", top.ts)
    assert updated is not None
    assert updated.edited
    assert len([m for m in fake.thread("C1", top.ts) if m.blocks]) == 1  # v2, once
    assert len(drafts_posted(fake)) == 1  # no second thread


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        pytest.param({"status": 500, "times": 3}, "fatal_error", id="server-error-persists"),
        pytest.param({"error": "not_in_channel"}, "not_in_channel", id="refused"),
        pytest.param({"status": 429, "retry_after": 0, "times": 4}, "ratelimited", id="rate-limit-persists"),
    ],
)
def test_lasting_slack_failure_is_told_to_the_user_and_loses_nothing(
    bot: Bot, fake: FakeSlack, fault: dict[str, Any], shown: str, retry_waits: list[float]
) -> None:
    texts = logged_meeting(bot)
    fake.fail_next("chat.postMessage", **fault)
    bot.cmd("udkast")
    told = fake.wait_for(lambda: [r for r in fake.responses if "Slack afviste" in r.text], timeout=10)
    assert shown in told[0].text
    assert told[0].response_type == "ephemeral"
    drain(bot)
    assert drafts_posted(fake) == []
    assert entry_texts(bot.db_path) == texts
    assert_consistent(bot.db_path)
    # Trying again once Slack is back posts the draft, once.
    bot.cmd("udkast")
    fake.wait_for(lambda: drafts_posted(fake), timeout=10)
    drain(bot)
    assert len(drafts_posted(fake)) == 1


def test_draft_refused_by_slack_keeps_its_version_number(bot: Bot, fake: FakeSlack) -> None:
    logged_meeting(bot)
    fake.fail_next("chat.postMessage", error="not_in_channel")
    bot.cmd("udkast")
    fake.wait_for(lambda: [r for r in fake.responses if "Slack afviste" in r.text], timeout=10)
    bot.cmd("udkast")
    posted = fake.wait_for(lambda: drafts_posted(fake), timeout=10)
    drain(bot)
    assert "udkast v1" in posted[0].text


def test_slow_slack_does_not_delay_the_answer_to_the_command(bot: Bot, fake: FakeSlack) -> None:
    logged_meeting(bot)
    fake.delay_next("chat.postMessage", 2.0)
    answer, elapsed = timed_cmd(bot, "udkast")
    assert "samles" in answer
    assert elapsed < 1.5, elapsed  # the ack does not wait for Slack
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v1" in r.text], timeout=10)
    drain(bot)
    assert len(drafts_posted(fake)) == 1


def test_timed_out_post_is_not_repeated_and_the_user_hears_of_it(bot: Bot, fake: FakeSlack) -> None:
    texts = logged_meeting(bot)
    assert bot.server is not None
    # Slack takes longer than the client waits; the post still lands on Slack's side.
    bot.server.app.client.timeout = 1
    fake.delay_next("chat.postMessage", 2.0)
    bot.cmd("udkast")
    # The client gives up: not a refusal from Slack, so the general apology is what the user reads.
    told = fake.wait_for(lambda: fake.ephemerals("C1", "UMINUTES"), timeout=10)
    assert [e.text for e in told] == [APOLOGY]
    fake.wait_for(lambda: drafts_posted(fake), timeout=10)
    drain(bot)
    # Retrying a post that timed out would post the draft twice; it must not be retried.
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(drafts_posted(fake)) == 1
    assert entry_texts(bot.db_path) == texts


# ---------------------------------------------------------------------------------------------
# Duplicate and out-of-order event deliveries.


def bot_replies(fake: FakeSlack, channel: str, ts: str) -> list[Any]:
    return [m for m in fake.thread(channel, ts) if m.user == BOT_USER_ID]


def question_post(fake: FakeSlack, channel: str = "C1") -> Any:
    return fake.seed_message(channel, f"<@{BOT_USER_ID}> hvad blev besluttet om samarbejdet?", user="UHELLE")


def deliver_concurrently(deliveries: list[Callable[[], Any]]) -> list[Any]:
    """Send deliveries at the same moment, as Slack's retries and its two event kinds can arrive."""
    barrier = threading.Barrier(len(deliveries))
    results: list[Any] = [None] * len(deliveries)

    def run(i: int) -> None:
        barrier.wait(timeout=5)
        results[i] = deliveries[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(deliveries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    return results


def test_redelivered_event_is_answered_once(bot: Bot, fake: FakeSlack) -> None:
    logged_meeting(bot)
    post = question_post(fake)
    event = mention_event(post.text, user="UHELLE", channel="C1", ts=post.ts)

    def delivery(retry_num: int | None) -> Callable[[], Any]:
        return lambda: bot.sender.event(event, event_id="Ev0REDELIVER", retry_num=retry_num)

    # Slack did not see the first 200 in time: its retries arrive while the first is being answered…
    deliveries = deliver_concurrently([delivery(None), delivery(1), delivery(2)])
    assert [r.status for r in deliveries] == [200, 200, 200]
    fake.wait_for(lambda: bot_replies(fake, "C1", post.ts), timeout=10)
    # … and the last one long after.
    assert delivery(3)().status == 200
    drain(bot)
    assert len(bot_replies(fake, "C1", post.ts)) == 1


@pytest.mark.parametrize("order", ["mention-first", "message-first", "at-once"])
def test_one_post_delivered_as_mention_and_message_is_answered_once(
    bot: Bot, fake: FakeSlack, order: str
) -> None:
    logged_meeting(bot)
    post = question_post(fake)
    mention = mention_event(post.text, user="UHELLE", channel="C1", ts=post.ts)
    message = message_event(post.text, user="UHELLE", channel="C1", ts=post.ts)

    def send_mention() -> Any:
        return bot.sender.event(mention)

    def send_message() -> Any:
        return bot.sender.event(message)

    if order == "at-once":
        statuses = [r.status for r in deliver_concurrently([send_mention, send_message])]
    else:
        pair = [send_mention, send_message] if order == "mention-first" else [send_message, send_mention]
        statuses = [send().status for send in pair]
    assert statuses == [200, 200]
    fake.wait_for(lambda: bot_replies(fake, "C1", post.ts), timeout=10)
    drain(bot)
    assert len(bot_replies(fake, "C1", post.ts)) == 1


def test_redelivered_direct_message_is_answered_once(bot: Bot, fake: FakeSlack) -> None:
    logged_meeting(bot)
    post = fake.seed_message("D1", "hvem orienterede om flerårsaftalen?", user="UHELLE")
    event = message_event(post.text, user="UHELLE", channel="D1", ts=post.ts, channel_type="im")
    bot.sender.event(event, event_id="Ev0DM")
    bot.sender.event(event, event_id="Ev0DM", retry_num=1)

    def answered() -> list[FakeMessage]:
        # A direct message is answered in the conversation itself, not in a thread.
        return [m for m in fake.messages("D1") if m.user == "UBOT"]

    fake.wait_for(answered, timeout=10)
    drain(bot)
    assert len(answered()) == 1


# ---------------------------------------------------------------------------------------------
# Disk full and read-only database.
#
# SQLITE_FULL is produced with `PRAGMA max_page_count` on the bot's own connections: SQLite then
# refuses to grow the file exactly as it does when the disk has no room left (same error code,
# same message, same place in the pager), deterministically and without privileges. A real full
# filesystem (a tiny tmpfs) is tested too where mounting is allowed.
#
# A read-only database is reproduced by opening the bot's connections with `mode=ro`: that is the
# state SQLite falls back to when the file is not writable for the process (chmod 0444, a read-only
# mount). Changing permissions in the test would prove nothing because the tests run as root.


def restart_with_connections(bot: Bot, monkeypatch: pytest.MonkeyPatch, hook: Callable[[Path], Any]) -> None:
    """Restart the bot so that every connection it opens from now on comes from `hook`."""
    bot.stop()
    monkeypatch.setattr(storage.store, "migrate", lambda path: None)  # already migrated
    monkeypatch.setattr(storage.store, "connect", hook)
    bot.start()


def page_limited(limit: int) -> Callable[[Path], Any]:
    original = storage.store.connect

    def connect(path: Path) -> Any:
        db = original(path)
        db.execute(f"PRAGMA max_page_count = {limit}")
        return db

    return connect


def read_only(path: Path) -> Any:
    from sqlite_utils import Database

    conn = sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    db = Database(conn)
    db.execute("PRAGMA foreign_keys=ON")
    return db


def page_count(db_path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db_path)
    try:
        return (
            int(conn.execute("pragma page_count").fetchone()[0]),
            int(conn.execute("pragma page_size").fetchone()[0]),
            int(conn.execute("pragma freelist_count").fetchone()[0]),
        )
    finally:
        conn.close()


def assert_told_and_logged(answer: str, caplog: pytest.LogCaptureFixture, what: str) -> None:
    assert answer == DISK
    failures = [r for r in caplog.records if r.exc_info and what in r.getMessage()]
    assert failures, f"{what!r} was not logged with its traceback"


def test_full_database_refuses_clearly_and_stores_nothing(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    texts = logged_meeting(bot)
    # Migrations that rebuild an index leave free pages behind; the file is full only without them.
    conn = sqlite3.connect(bot.db_path)
    conn.execute("vacuum")
    conn.close()
    pages, page_size, free = page_count(bot.db_path)
    restart_with_connections(bot, monkeypatch, page_limited(pages))
    before = row_counts(bot.db_path)
    # More text than the free pages hold (within the longest entry allowed): the insert needs pages
    # the file may not grow to.
    words = " ".join(f"kriminalitetsudvikling{n}" for n in range(MAX_ENTRY_CHARS // 20))
    long_text = words[:MAX_ENTRY_CHARS]
    assert len(long_text) > (free + 1) * page_size
    with caplog.at_level(logging.ERROR):
        answer = bot.cmd(f"ad 1 {long_text}")
        assert_told_and_logged(answer, caplog, "full")
    assert row_counts(bot.db_path) == before
    assert entry_texts(bot.db_path) == texts
    # Reading still works on a full disk.
    assert "Orientering fra politiet" in bot.cmd("status")
    assert_consistent(bot.db_path)


def test_read_only_database_refuses_clearly_and_stores_nothing(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    texts = logged_meeting(bot)
    restart_with_connections(bot, monkeypatch, read_only)
    before = row_counts(bot.db_path)
    with caplog.at_level(logging.ERROR):
        for command in ("ad 1 Skrevet på en skrivebeskyttet database.", "start Nyt møde", "fortryd"):
            channel = "C2" if command.startswith("start") else "C1"
            answer = answer_text(bot.sender.command(command, user="UMINUTES", channel=channel))
            assert_told_and_logged(answer, caplog, "readonly")
    assert "Orientering fra politiet" in bot.cmd("status")
    assert row_counts(bot.db_path) == before
    assert entry_texts(bot.db_path) == texts


def test_draft_on_read_only_database_is_told_to_the_user(
    bot: Bot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged_meeting(bot)
    restart_with_connections(bot, monkeypatch, read_only)
    before = row_counts(bot.db_path)
    # The draft is stored after the ack, so the failure reaches the user as an ephemeral message.
    # (The HTTP answer itself is the subject of the next test.)
    bot.sender.command("udkast", user="UMINUTES", channel="C1")
    told = fake.wait_for(lambda: fake.ephemerals("C1", "UMINUTES"), timeout=10)
    assert [e.text for e in told] == [DISK]
    drain(bot)
    assert drafts_posted(fake) == []
    assert row_counts(bot.db_path) == before


def test_failure_right_after_the_ack_keeps_the_acks_answer(
    bot: Bot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged_meeting(bot)
    restart_with_connections(bot, monkeypatch, read_only)

    def poll_once_the_listener_has_failed(_seconds: float) -> None:
        # Bolt's runner checks for the ack every 10 ms. Holding its check until the listener has
        # acked and then failed (the user is told on the side) puts the failure inside that window
        # every time, without a sleep.
        fake.wait_for(lambda: fake.ephemerals("C1", "UMINUTES"))

    monkeypatch.setattr(
        thread_runner, "time", types.SimpleNamespace(time=time.time, sleep=poll_once_the_listener_has_failed)
    )
    response = bot.sender.command("udkast", user="UMINUTES", channel="C1")
    assert response.status == 200, (response.status, response.body)
    assert "samles" in answer_text(response)
    told = fake.wait_for(lambda: fake.ephemerals("C1", "UMINUTES"))  # the failure, told on the side
    assert [e.text for e in told] == [DISK]


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of its own, where writing can really run out of space (root only).

    Big enough for a fresh database while its migrations run (their write-ahead log peaks near
    1 MB), since the test fills whatever room is left anyway.
    """
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    point = tmp_path / "tiny"
    point.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=2m", "referat-test", str(point)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def fill(directory: Path) -> Path:
    """Write a file until the filesystem has no byte left."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as out:
        for chunk in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * chunk)
    return filler


def test_real_full_disk_refuses_clearly_and_stores_nothing(
    fake: FakeSlack, clock: Clock, tiny_filesystem: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = Bot(fake=fake, db_path=tiny_filesystem / "referat.db", clock=clock).start()
    try:
        start_meeting(bot)
        bot.cmd("dagsorden\n1. Orientering fra politiet\n2. Eventuelt")
        bot.cmd("ad 1 Før disken blev fuld.")
        before = row_counts(bot.db_path)
        filler = fill(tiny_filesystem)
        with caplog.at_level(logging.ERROR):
            # A commit appends to the WAL file, which has no room to grow.
            answer = bot.cmd("ad 1 " + "Skrevet på en fuld disk. " * 400)
            assert_told_and_logged(answer, caplog, "full")
        assert row_counts(bot.db_path) == before
        filler.unlink()
        assert bot.cmd("ad 1 Efter oprydningen.").startswith("Nr. 2 gemt")
        assert entry_texts(bot.db_path) == ["Før disken blev fuld.", "Efter oprydningen."]
        assert_consistent(bot.db_path)
    finally:
        bot.stop()
