"""Slash commands take turns for their work before the ack, and never wait long for one."""

from __future__ import annotations

import threading

from bot.slack.lane import CommandLane

WAIT = 10.0


def test_a_second_command_waits_for_the_first_to_leave_the_lane() -> None:
    lane = CommandLane(wait=WAIT)
    inside, leave, second_had = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with lane.turn() as had:
            assert had
            order.append("first in")
            inside.set()
            assert leave.wait(WAIT)
            order.append("first out")

    def second() -> None:
        with lane.turn() as had:
            order.append("second in")
            if had:
                second_had.set()

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(WAIT)
    two = threading.Thread(target=second)
    two.start()
    # While the first holds the lane the second is not let in …
    assert not second_had.wait(0.05)
    assert order == ["first in"]
    leave.set()
    one.join(WAIT)
    two.join(WAIT)
    # … and once it leaves, the second has its turn.
    assert second_had.is_set()
    assert order == ["first in", "first out", "second in"]


def test_a_command_goes_ahead_without_its_turn_when_the_lane_is_held_too_long() -> None:
    lane = CommandLane(wait=0.01)
    inside, leave = threading.Event(), threading.Event()

    def holder() -> None:
        with lane.turn():
            inside.set()
            assert leave.wait(WAIT)

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(WAIT)
    # Held by a command that hangs: the next one goes ahead rather than miss Slack's 3 s.
    with lane.turn() as had:
        assert had is False
    leave.set()
    thread.join(WAIT)
    with lane.turn() as had:
        assert had is True


def test_a_failing_command_leaves_the_lane() -> None:
    lane = CommandLane(wait=0.01)
    try:
        with lane.turn():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with lane.turn() as had:
        assert had is True
