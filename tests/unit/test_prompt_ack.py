"""A request is answered when its listener acknowledges: Bolt's 10 ms look for ack() is never taken.

Bolt's runner sleeps 10 ms at a time (`time.sleep` in slack_bolt.listener.thread_runner) until the
listener has acknowledged; these tests record those sleeps instead of timing anything.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import thread_runner

from bot.slack import prompt_ack
from bot.slack.prompt_ack import PromptAck, PromptAckApp, PromptAckExecutor

WAIT = 10.0


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep Bolt's runner takes while it looks for the acknowledgement."""
    taken: list[float] = []

    def sleep(seconds: float) -> None:
        taken.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(thread_runner, "time", SimpleNamespace(time=time.time, sleep=sleep))
    return taken


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def _authorize(**_: Any) -> AuthorizeResult:
    """The workspace without asking Slack (auth.test): these apps never reach the network."""
    return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UBOT")


def _app(pool: ThreadPoolExecutor, *, prompt: bool = True) -> App:
    if prompt:
        return PromptAckApp(
            authorize=_authorize,
            request_verification_enabled=False,
            listener_executor=PromptAckExecutor(pool),
        )
    return App(authorize=_authorize, request_verification_enabled=False, listener_executor=pool)


def _command(text: str = "ad 1 noget") -> BoltRequest:
    body = {
        "command": "/referat",
        "text": text,
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "response_url": "http://127.0.0.1:9/respond",
    }
    return BoltRequest(body=body, mode="socket_mode")


def _dispatch_in_thread(app: App, request: BoltRequest) -> tuple[threading.Thread, list[BoltResponse]]:
    answered: list[BoltResponse] = []
    thread = threading.Thread(target=lambda: answered.append(app.dispatch(request)), daemon=True)
    thread.start()
    return thread, answered


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.001)


def _waiting_in_submit(thread: threading.Thread) -> bool:
    """True while `thread` waits for the ack in PromptAckExecutor.submit itself (Event.wait, whose
    Condition.wait is on top), not in a thread start within the pool's own submit."""
    frame = sys._current_frames().get(thread.ident or 0)
    codes = []
    while frame is not None:
        codes.append(frame.f_code)
        frame = frame.f_back
    return (
        len(codes) >= 3
        and [c.co_name for c in codes[:3]] == ["wait", "wait", "submit"]
        and codes[2].co_filename == prompt_ack.__file__
    )


def test_a_command_is_answered_when_acknowledged_and_not_after_its_later_work(
    looks: list[float], pool: ThreadPoolExecutor
) -> None:
    app = _app(pool)
    running, stored, later_work = threading.Event(), threading.Event(), threading.Event()

    @app.command("/referat")
    def listener(ack: Ack) -> None:
        running.set()
        assert stored.wait(WAIT)
        ack(text="Nr. 1 gemt")
        # What a listener does after its ack (a canvas, a post) must not hold the answer back.
        assert later_work.wait(WAIT)

    thread, answered = _dispatch_in_thread(app, _command())
    assert running.wait(WAIT)
    # The request's thread now waits for the ack: in the executor, or (were this broken) in Bolt's looks.
    _until(lambda: bool(looks) or _waiting_in_submit(thread))
    # Not answered before the statement is stored …
    assert not answered
    stored.set()
    thread.join(WAIT)
    # … and answered while the listener's later work still waits, without one of Bolt's looks.
    assert answered
    assert answered[0].status == 200
    assert "Nr. 1 gemt" in answered[0].body
    assert looks == []
    later_work.set()


def test_plain_bolt_looks_every_10_ms_which_is_what_this_replaces(
    looks: list[float], pool: ThreadPoolExecutor
) -> None:
    app = _app(pool, prompt=False)
    stored = threading.Event()

    @app.command("/referat")
    def listener(ack: Ack) -> None:
        assert stored.wait(WAIT)
        ack(text="Nr. 1 gemt")

    thread, answered = _dispatch_in_thread(app, _command())
    _until(lambda: bool(looks))
    stored.set()
    thread.join(WAIT)
    assert answered
    assert "Nr. 1 gemt" in answered[0].body
    assert looks
    assert set(looks) == {0.01}


def test_a_listener_that_fails_before_its_ack_is_answered_by_the_error_handler_at_once(
    looks: list[float], pool: ThreadPoolExecutor
) -> None:
    app = _app(pool)

    @app.command("/referat")
    def listener(ack: Ack) -> None:
        raise RuntimeError("boom")

    @app.error
    def on_error(error: Exception, response: BoltResponse | None) -> BoltResponse:
        return BoltResponse(status=200, body="Beklager, det gik galt.")

    response = app.dispatch(_command())
    assert response.status == 200
    assert response.body == "Beklager, det gik galt."
    assert looks == []


def test_an_event_is_acknowledged_before_its_listener_runs(
    looks: list[float], pool: ThreadPoolExecutor
) -> None:
    app = _app(pool)
    release, ran = threading.Event(), threading.Event()

    @app.event("app_mention")
    def answer(event: dict[str, Any]) -> None:
        assert release.wait(WAIT)
        ran.set()

    body = {
        "type": "event_callback",
        "team_id": "T1",
        "event": {"type": "app_mention", "user": "U1", "channel": "C1", "text": "hej", "ts": "1.0"},
    }
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    # Answered while the listener still waits: an event's ack never waits for its listener.
    assert response.status == 200
    assert not ran.is_set()
    assert looks == []
    release.set()
    assert ran.wait(WAIT)


def test_the_acknowledgement_signals_whoever_sets_its_response() -> None:
    by_ack, by_bolt, unset = PromptAck(), PromptAck(), PromptAck()
    by_ack(text="ok")
    by_bolt.response = BoltResponse(status=500)
    unset.response = None
    assert by_ack.given.is_set()
    assert by_ack.response is not None
    assert by_ack.response.status == 200
    assert by_bolt.given.is_set()
    assert by_bolt.response is not None
    assert by_bolt.response.status == 500
    assert not unset.given.is_set()
    assert unset.response is None


def test_work_submitted_outside_a_dispatch_does_not_wait(pool: ThreadPoolExecutor) -> None:
    executor = PromptAckExecutor(pool)
    release = threading.Event()
    future = executor.submit(release.wait, WAIT)
    # submit returned although the work still waits: nothing is being dispatched here.
    assert not future.done()
    release.set()
    assert future.result(WAIT) is True
