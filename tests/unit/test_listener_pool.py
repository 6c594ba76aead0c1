"""The listeners' pool: the thread idle last takes new work; results, errors, order and shutdown as
ThreadPoolExecutor has them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError

import pytest

from bot.slack.listener_pool import RecentFirstExecutor

WAIT = 10.0


@pytest.fixture
def pool() -> Iterator[RecentFirstExecutor]:
    executor = RecentFirstExecutor(2, thread_name_prefix="test-pool")
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def _until_idle(pool: RecentFirstExecutor, threads: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(pool._idle) < threads:
        assert time.monotonic() < deadline, "the pool's threads never became idle"
        time.sleep(0.001)


def _blocking(release: threading.Event) -> str:
    assert release.wait(WAIT)
    return threading.current_thread().name


def test_new_work_goes_to_the_thread_that_became_idle_last(pool: RecentFirstExecutor) -> None:
    first_release, second_release = threading.Event(), threading.Event()
    first = pool.submit(_blocking, first_release)
    second = pool.submit(_blocking, second_release)
    second_release.set()
    second_thread = second.result(WAIT)
    _until_idle(pool, 1)  # a thread is idle once it has found nothing else to do
    first_release.set()
    first_thread = first.result(WAIT)
    _until_idle(pool, 2)
    assert first_thread != second_thread
    # The first finished last: it takes the next work, and the one after that.
    for _ in range(3):
        assert pool.submit(threading.current_thread).result(WAIT).name == first_thread


def test_results_and_errors_reach_the_caller(pool: RecentFirstExecutor) -> None:
    assert pool.submit(lambda a, b: a + b, 2, b=3).result(WAIT) == 5

    def fail() -> None:
        raise ValueError("nej")

    with pytest.raises(ValueError, match="nej"):
        pool.submit(fail).result(WAIT)
    # A failed piece of work does not cost the pool its thread.
    assert pool.submit(lambda: "stadig her").result(WAIT) == "stadig her"


def test_work_that_finds_every_thread_busy_waits_in_order(pool: RecentFirstExecutor) -> None:
    release = threading.Event()
    busy = [pool.submit(_blocking, release) for _ in range(2)]
    done: list[int] = []
    waiting = [pool.submit(done.append, n) for n in range(5)]
    # At most two threads: nothing waiting has run while both are busy.
    assert done == []
    assert all(not future.done() for future in waiting)
    release.set()
    for future in [*busy, *waiting]:
        future.result(WAIT)
    assert done == [0, 1, 2, 3, 4]
    assert len({thread.name for thread in threading.enumerate() if thread.name.startswith("test-pool")}) <= 2


def test_shutdown_refuses_new_work_and_may_cancel_what_waits() -> None:
    pool = RecentFirstExecutor(1, thread_name_prefix="test-shutdown")
    release = threading.Event()
    running = pool.submit(_blocking, release)
    waiting = pool.submit(lambda: "aldrig")
    stopper = threading.Thread(target=lambda: pool.shutdown(wait=True, cancel_futures=True))
    stopper.start()
    with pytest.raises(CancelledError):
        waiting.result(WAIT)
    # What runs is finished, not cut off, before shutdown returns.
    assert stopper.is_alive()
    release.set()
    stopper.join(WAIT)
    assert not stopper.is_alive()
    assert running.result(WAIT) == "test-shutdown_0"
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(lambda: None)
    assert not [t for t in threading.enumerate() if t.name.startswith("test-shutdown")]


def test_an_idle_pool_ends_its_threads_on_shutdown() -> None:
    pool = RecentFirstExecutor(3, thread_name_prefix="test-idle")
    for future in [pool.submit(lambda: None) for _ in range(3)]:
        future.result(WAIT)
    pool.shutdown(wait=True)
    assert not [t for t in threading.enumerate() if t.name.startswith("test-idle")]


def test_a_pool_needs_a_thread() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RecentFirstExecutor(0)
