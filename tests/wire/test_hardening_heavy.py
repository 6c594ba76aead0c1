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


def test_a_rate_limited_users_info_never_holds_the_ack_and_the_ack_says_what_was_stored(
    bot: Bot, fake: FakeSlack
) -> None:
    open_meeting(bot)
    fake.fail_next("users.info", status=429, retry_after=1, times=2)
    # The owner is no participant: her name would be looked up; Slack answers 429 at once, and the
    # ack does not wait out Retry-After (a retried lookup used to take the ack past 3 s): each of the
    # entry's two look-ups (owner, mention) is tried once.
    answer = bot.cmd("ad 1 opgave: Bestil telt ansvarlig <@UOTHER> frist 1. april 2024")
    assert "Bestil telt" in answer
    assert len(fake.calls_to("users.info")) <= 2
    # A participant named only by a mention cannot be stored without a name: refused, nothing kept.
    bot.settle()
    fake.fail_next("users.info", status=429, retry_after=3, times=1)
    refused = bot.cmd("deltager <@ULARS>")
    assert "Kunne ikke slå navnet op" in refused
    assert all(p.slack_user_id != "ULARS" for p in bot.store().participants(meeting_id(bot)))


def meeting_id(bot: Bot) -> int:
    meeting = bot.store().open_meeting("C1")
    assert meeting is not None
    return meeting.id
