"""Answer Slack the moment a listener acknowledges, not at Bolt's next 10 ms look.

Bolt runs a listener on the listener executor and, in the request's own thread, looks every 10 ms
whether the listener has called ack(). A `/referat ad` whose statement is stored and acknowledged
after 2 ms is therefore answered after 10 ms; under a few senders at once one acknowledged after
11 ms is answered after 20 ms. That step, not the work, set the acknowledgement's latency.

Here the request thread waits on an event that ack() sets instead: `PromptAckApp.dispatch` gives
each request an acknowledgement that signals when its response is set (by ack(), or by Bolt's
own error path), and `PromptAckExecutor.submit`, which Bolt calls just before it starts looking,
waits for that signal. When it returns the acknowledgement is there, so Bolt's first look finds
it and Bolt answers at once. Nothing else changes: the listener still runs on the executor, and a
listener that never acknowledges is given up after the same time as before.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

from slack_bolt import Ack, App, BoltRequest, BoltResponse

P = ParamSpec("P")
T = TypeVar("T")

# Bolt's own limit for a listener's ack() (Listener.ack_timeout); past it Bolt gives up looking.
ACK_TIMEOUT_SECONDS = 3.0

# The acknowledgement of the request this thread is dispatching, from dispatch to its return.
_dispatching: contextvars.ContextVar[PromptAck | None] = contextvars.ContextVar(
    "referat_dispatching_ack", default=None
)


class PromptAck(Ack):
    """Bolt's ack(), which also signals `given` once its response is set, whoever sets it."""

    def __init__(self) -> None:
        self.given = threading.Event()
        self._response: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None:
            self.given.set()


class PromptAckApp(App):
    """Bolt's App, each request dispatched with a `PromptAck` its listener executor can wait for."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        ack = PromptAck()
        req.context["ack"] = ack
        token = _dispatching.set(ack)
        try:
            return super().dispatch(req)
        finally:
            _dispatching.reset(token)


class PromptAckExecutor(Executor):
    """The listener executor: runs on `inner`, and holds the dispatching thread until the
    acknowledgement of the request being dispatched is given (at most ACK_TIMEOUT_SECONDS)."""

    def __init__(self, inner: Executor, timeout: float = ACK_TIMEOUT_SECONDS) -> None:
        self._inner = inner
        self._timeout = timeout

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future = self._inner.submit(fn, *args, **kwargs)
        ack = _dispatching.get()
        if ack is not None:
            # Only the first submit of a dispatch is its listener; lazy work must not wait again.
            _dispatching.set(None)
            ack.given.wait(self._timeout)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)
