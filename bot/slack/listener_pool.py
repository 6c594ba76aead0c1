"""The listeners' threads: new work goes to the thread that became idle last.

Python's ThreadPoolExecutor hands work to whichever idle thread the system wakes, so the threads
in effect take turns. Each listener thread has its own SQLite connection, and SQLite empties a
connection's page cache once another connection has written since it last read. Every question
writes its claim, so taking turns meant that each answer began with an empty page cache, on a
thread whose memory the processor had long evicted. Here the thread that was idle last takes the
next work. One thread answers question after question, and the others help in a burst. At 10,000
meetings, in A/B runs against ThreadPoolExecutor, an answer took 0–3 % less (this pool, four runs)
and 1–9 % less (a first version, six runs).

Work that finds every thread busy waits in order, as in ThreadPoolExecutor. The threads are
daemons, so idle ones never keep the process alive. When the interpreter exits, work still
running is waited for, as ThreadPoolExecutor does.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from functools import partial
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_Work = tuple[Future[Any], Callable[[], Any]]


class _Worker:
    """One thread's slot: set `work` and `wake` it; no work when woken means stop."""

    def __init__(self, work: _Work) -> None:
        self.work: _Work | None = work
        self.wake = threading.Event()


class RecentFirstExecutor(Executor):
    """An executor of at most `max_workers` threads that gives new work to the thread idle last."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "referat-listener") -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self._max = max_workers
        self._prefix = thread_name_prefix
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []  # the one idle last at the end
        self._waiting: deque[_Work] = deque()
        self._threads: list[threading.Thread] = []
        self._closed = False
        _pools.add(self)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        work: _Work = (future, partial(fn, *args, **kwargs))
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._idle:
                worker = self._idle.pop()
                worker.work = work
                worker.wake.set()
            elif len(self._threads) < self._max:
                thread = threading.Thread(
                    target=self._run,
                    args=(_Worker(work),),
                    name=f"{self._prefix}_{len(self._threads)}",
                    daemon=True,
                )
                self._threads.append(thread)
                thread.start()
            else:
                self._waiting.append(work)
        return future

    def _run(self, worker: _Worker) -> None:
        while (work := worker.work) is not None:
            future, call = work
            if future.set_running_or_notify_cancel():
                try:
                    result = call()
                except BaseException as error:
                    future.set_exception(error)
                else:
                    future.set_result(result)
            del work, future, call  # nothing of the finished work is kept while idle
            with self._lock:
                if self._waiting:
                    worker.work = self._waiting.popleft()
                    continue
                worker.work = None
                if self._closed:
                    return
                worker.wake.clear()
                self._idle.append(worker)
            worker.wake.wait()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                while self._waiting:
                    self._waiting.popleft()[0].cancel()
            for worker in self._idle:
                worker.wake.set()  # with no work: the thread ends
            self._idle.clear()
            threads = list(self._threads)
        if wait:
            for thread in threads:
                if thread is not threading.current_thread():
                    thread.join()


# Every pool still in use, so that an exiting interpreter lets running work finish first.
_pools: weakref.WeakSet[RecentFirstExecutor] = weakref.WeakSet()


@atexit.register
def _finish_running_work() -> None:
    for pool in list(_pools):
        pool.shutdown(wait=True)
