"""The live referat in the channel's canvas, over signed HTTP against the stand-in's canvas methods.

Everyone in the room sees the referat grow: from `start` the channel's canvas shows the meeting in the
referat's form, follows entries, edits, deletes and closed items (their heading only), coalesces a
burst into a handful of edits, survives a rate limit, states the approval, and is taken over by the
next meeting. A command is acknowledged whatever the canvas does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.app import Bot, Clock
from support.retries import instant_retries
from support.slack_fake import FakeSlack
from support.slack_requests import message_event

SECRET = "Medarbejderen i Trekanten blev afskediget."


def canvas_text(bot: Bot, fake: FakeSlack, channel: str = "C1") -> str:
    """The channel's canvas once the listeners and then the bot's canvas writer are done."""
    bot.settle()
    assert bot.canvas is not None
    assert bot.canvas.wait_idle(30), "the canvas writer is still busy"
    found = fake.canvases.of_channel(channel)
    assert found is not None, "no canvas in the channel"
    return found.markdown


@pytest.fixture
def bot(fake: FakeSlack, tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    """The bot with its live canvas on (other tests keep it off)."""
    running = Bot(fake=fake, db_path=tmp_path / "referat.db", clock=clock, live_canvas=True).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return instant_retries(monkeypatch)


@pytest.fixture
def meeting(bot: Bot) -> Bot:
    bot.cmd("start Kredsrådsmøde | 19. marts 2024 | rådhuset")
    bot.cmd("deltager <@UHELLE> | Politidirektør | politiet")
    bot.cmd("deltager <@ULARS> | Kommunaldirektør | kommunen")
    bot.cmd("dagsorden\n1. Tryghed i Trekanten\n2. Personalesag (lukket)")
    return bot


def test_the_canvas_shows_the_meeting_and_follows_every_change(meeting: Bot, fake: FakeSlack) -> None:
    text = canvas_text(meeting, fake)
    assert text.startswith("# Referat af kredsrådsmøde den 19. marts 2024")
    assert "Dagsorden" in text
    assert "Helle Kyndesen" in text

    meeting.cmd("ad 1 orienterede om tryghedsindsatsen.", user="UHELLE")
    meeting.cmd("ad 1 beslutning: Indsatsen fortsætter <!here>.", user="UHELLE")
    meeting.cmd(f"ad 2 beslutning: {SECRET}", user="UHELLE")
    text = canvas_text(meeting, fake)
    assert "orienterede om tryghedsindsatsen" in text
    assert "Indsatsen fortsætter" in text
    assert "<!here>" not in text  # broadcast syntax never reaches the canvas
    assert "Punktet behandles for lukkede døre." in text
    assert SECRET not in text  # a closed item shows its heading, never its entries

    meeting.cmd("ret 1 orienterede om den nye tryghedsindsats.", user="UHELLE")
    meeting.cmd("slet 2", user="UHELLE")
    text = canvas_text(meeting, fake)
    assert "den nye tryghedsindsats" in text
    assert "Indsatsen fortsætter" not in text


def test_a_burst_costs_a_handful_of_edits(meeting: Bot, fake: FakeSlack) -> None:
    canvas_text(meeting, fake)
    before = len(fake.calls_to("canvases.edit"))
    for n in range(30):
        assert "Nr. " in meeting.cmd(f"ad 1 bemærkning nummer {n}.", user="UHELLE")
    text = canvas_text(meeting, fake)
    assert "bemærkning nummer 29" in text
    assert len(fake.calls_to("canvases.edit")) - before <= 6


def test_a_rate_limited_edit_is_retried_and_the_command_is_answered(
    meeting: Bot, fake: FakeSlack, retry_waits: list[float]
) -> None:
    canvas_text(meeting, fake)
    fake.fail_next("canvases.edit", status=429, retry_after=1, times=4)
    assert "Nr. " in meeting.cmd("ad 1 kom med en vigtig pointe.", user="UHELLE")
    assert "vigtig pointe" in canvas_text(meeting, fake)
    statuses = [c.status for c in fake.calls_to("canvases.edit")]
    assert statuses.count(429) == 4  # Slack's retries, then the writer's own retry later
    assert statuses[-1] == 200


def test_a_channel_with_its_own_canvas_keeps_it(bot: Bot, fake: FakeSlack) -> None:
    fake.canvases.create_channel_canvas(
        {"channel_id": "C1", "document_content": {"markdown": "# Kanalens egen"}}
    )
    bot.cmd("start Bestyrelsesmøde | 2. april 2024")
    bot.settle()  # the canvas is touched after the acknowledgement; then its writer has work
    assert bot.canvas is not None
    assert bot.canvas.wait_idle(30)
    assert fake.canvases.of_channel("C1").markdown == "# Kanalens egen"  # type: ignore[union-attr]
    own = [c for c in fake.canvases.canvases.values() if c.channel_id is None]
    assert len(own) == 1
    assert "bestyrelsesmøde den 2. april 2024" in own[0].markdown
    assert "C1" in own[0].readers
    assert any("lærred" in m.text for m in fake.messages("C1"))


def test_the_approval_is_stated_and_the_next_meeting_takes_the_canvas_over(
    meeting: Bot, fake: FakeSlack
) -> None:
    meeting.cmd("ad 1 orienterede om tryghedsindsatsen.", user="UHELLE")
    meeting.cmd("godkendere <@UHELLE>")
    meeting.cmd("udkast")
    fake.wait_for(lambda: [r for r in fake.responses if "er lagt i kanalen" in str(r.body)])
    top = fake.wait_for(lambda: [m for m in fake.messages("C1") if m.thread_ts is None and m.blocks])[-1]
    posted = fake.seed_message("C1", "godkendt", user="UHELLE", thread_ts=top.ts)
    meeting.sender.event(
        message_event("godkendt", user="UHELLE", channel="C1", ts=posted.ts, thread_ts=top.ts)
    )
    fake.wait_for(lambda: [f for f in fake.files if f.name.endswith("-godkendt.txt")])
    text = canvas_text(meeting, fake)
    assert "✅ **Godkendt**" in text
    assert "Helle Kyndesen" in text.split("Godkendt**", 1)[1]
    assert "kopi" in text  # the record is the archive's approved text, and the canvas says so

    meeting.cmd("næste 16. april 2024")
    text = canvas_text(meeting, fake)
    assert "16. april 2024" in text.split("\n", 1)[0]
    assert "Forrige møde i kanalen: Referat af kredsrådsmøde den 19. marts 2024" in text
    assert "tryghedsindsatsen" not in text
    assert len([c for c in fake.canvases.canvases.values() if c.channel_id == "C1"]) == 1


def test_two_processes_on_one_database_write_one_canvas(bot: Bot, fake: FakeSlack, clock: Clock) -> None:
    """Behind a balancer `start` reaches one process and `deltager` the other; both want to write
    the new meeting's canvas. Slack is slow to create it: the second waits for the first, and then
    rewrites the same canvas instead of making one of its own."""
    other = Bot(fake=fake, db_path=bot.db_path, clock=clock, live_canvas=True).start()
    try:
        fake.delay_next("conversations.canvases.create", 10)
        bot.cmd("start Kredsrådsmøde | 19. marts 2024 | rådhuset")
        fake.wait_for(lambda: fake.delayed("conversations.canvases.create") == 1 or None)
        other.cmd("deltager <@UHELLE> | Politidirektør | politiet")
        # The other process has tried and found the canvas being written (its lease held).
        assert other.canvas is not None
        fake.wait_for(lambda: other.canvas._not_before or None)  # type: ignore[union-attr]
        fake.release("conversations.canvases.create")
        canvas_text(bot, fake)
        text = canvas_text(other, fake)
        assert "Helle" in text
        assert len(fake.calls_to("conversations.canvases.create")) == 1
        assert fake.calls_to("canvases.create") == []
        assert not any("lærred" in m.text for m in fake.messages("C1"))
    finally:
        other.stop()
