"""Heavy work off Bolt's threads: a command is answered while exports wait, and the pool is bounded.

Exports are held at Slack's upload (the stand-in delays `files.getUploadURLExternal`), which keeps
the heavy pool's workers busy as a long PDF would, without laying one out.
"""

from __future__ import annotations

import pytest

from bot.referat import isolated
from bot.slack.heavy import BUSY, HEAVY_WAITING, HEAVY_WORKERS
from support.app import Bot
from support.slack_fake import FakeSlack

UPLOAD = "files.getUploadURLExternal"


def open_meeting(bot: Bot) -> None:
    bot.cmd("start Tungt møde | 19. marts 2024")
    bot.cmd("dagsorden\n1. Punkt")
    bot.cmd("ad 1 Politiet orienterede om tryghed & trafik.")


def test_a_command_is_answered_while_every_export_waits_and_one_more_is_refused(
    bot: Bot, fake: FakeSlack
) -> None:
    open_meeting(bot)
    slots = HEAVY_WORKERS + HEAVY_WAITING
    fake.delay_next(UPLOAD, 8.0, times=slots)
    try:
        for _ in range(slots):
            assert "lægges i kanalen" in bot.cmd("eksport md")
        fake.wait_for(lambda: fake.delayed(UPLOAD) == HEAVY_WORKERS)
        # Every worker is held and every waiting place taken: the next export is refused at once …
        assert bot.cmd("eksport docx") == BUSY
        # … and a statement is stored and acknowledged as always, not queued behind the exports.
        answer = bot.cmd("ad 1 Kommunen bakkede op.")
        assert "Kommunen bakkede op." in answer
        assert not fake.files
    finally:
        fake.release(UPLOAD)
    bot.settle()
    assert len([f for f in fake.files if f.name.endswith(".md")]) == slots
    assert not [f for f in fake.files if f.name.endswith(".docx")]
    assert "lægges i kanalen" in bot.cmd("eksport docx")


def test_a_pdf_that_cannot_finish_in_time_says_so_and_posts_nothing(
    bot: Bot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_meeting(bot)
    # No interpreter starts within a millisecond: the child is killed at the deadline.
    monkeypatch.setattr(isolated, "PDF_SECONDS", 0.001)
    assert "PDF/A" in bot.cmd("eksport pdf")
    bot.settle()
    told = [r.body.get("text", "") for r in fake.responses]
    assert any("kunne ikke sættes op inden for" in t for t in told), told
    assert not fake.files


def test_a_pdf_over_its_memory_cap_says_so() -> None:
    with pytest.raises(isolated.PdfNotFinished, match="for stor"):
        isolated.pdf_in_child("<p>hej</p>", memory=64 * 1024 * 1024)
