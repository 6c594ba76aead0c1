"""The archive end to end: the reference referat imported, then asked in Slack and on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from support.app import Bot
from support.paths import REFERENCE
from support.slack_fake import FakeSlack
from support.slack_requests import mention_event, message_event


def ask(question: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ask", question]) == 0
    return capsys.readouterr().out


def test_reference_questions_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "archive.db"))
    assert main(["import", str(REFERENCE)]) == 0
    capsys.readouterr()

    decided = ask("hvad blev besluttet om Trekanten?", capsys)
    assert "Der var enighed om at fortsætte det gode samarbejde vedrørende området." in decided
    assert "19. marts 2024" in decided
    assert "Ad 3 – Status på punkter i samarbejdsplanen" in decided

    english = ask("what was decided on Trekanten?", capsys)
    assert "Decisions" in english
    assert "19 March 2024" in english
    assert "Der var enighed om at fortsætte det gode samarbejde vedrørende området." in english

    who = ask("hvem orienterede om Bo Trygt?", capsys)
    assert "Claus Hilborg" in who
    assert "Helle Støve" not in who

    said = ask("hvad sagde politidirektøren om flerårsaftalen", capsys)
    assert "Helle Kyndesen" in said
    assert "flerårsaftale" in said

    narko = ask("hvad sagde Helle Støve om narkokriminalitet", capsys)
    assert "potentiale for en tværfaglig indsats" in narko

    nothing = ask("hvad blev besluttet om cykelstier?", capsys)
    assert "cykelstier" in nothing
    assert "Der var enighed" not in nothing

    garbage = ask('" AND ( * NEAR -', capsys)
    assert garbage.strip()


def test_mention_and_dm_answered_in_slack_over_an_imported_archive(
    bot: Bot,
    fake: FakeSlack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(bot.db_path))
    assert main(["import", str(REFERENCE)]) == 0
    capsys.readouterr()

    bot.sender.event(
        mention_event(
            "<@UBOT> hvad blev besluttet om Trekanten?", user="UHELLE", channel="C9", ts="1700000100.000100"
        )
    )
    reply = fake.wait_for(lambda: fake.thread("C9", "1700000100.000100"))[0]
    assert "Der var enighed om at fortsætte det gode samarbejde vedrørende området." in reply.text

    bot.sender.event(
        message_event(
            "who spoke about Bo Trygt?",
            user="UHELLE",
            channel="D1",
            ts="1700000200.000100",
            channel_type="im",
        )
    )
    dm = fake.wait_for(lambda: [m for m in fake.messages("D1") if m.user == "UBOT"])[0]
    assert dm.thread_ts is None  # a direct message is answered in the conversation itself
    assert "Claus Hilborg" in dm.text

    # What an organisation reported: its people's statements, not the other side's.
    bot.sender.event(
        mention_event(
            "<@UBOT> hvad orienterede kommunen om?", user="UHELLE", channel="C9", ts="1700000300.000100"
        )
    )
    reported = fake.wait_for(lambda: fake.thread("C9", "1700000300.000100"))[0]
    assert "Udtalelser fra kommunen" in reported.text
    assert "Lars Møller" in reported.text
    assert "Helle Kyndesen" not in reported.text

    answer = bot.cmd("spørg hvem orienterede om Bo Trygt?", channel="C9")
    assert answer == ""  # the answer comes through response_url, visible only to the asker
    private = fake.wait_for(lambda: [r for r in fake.responses if "Claus Hilborg" in (r.text or "")])
    assert private[0].response_type == "ephemeral"


def test_empty_archive_answers_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "empty.db"))
    out = ask("hvad blev besluttet om Trekanten?", capsys)
    assert "Arkivet er tomt" in out


def test_a_decision_logged_in_slack_is_found_by_the_next_question(bot: Bot, fake: FakeSlack) -> None:
    from test_capture import log_meeting

    log_meeting(bot)
    bot.cmd("ad 3 De forskellige indsatser i Trekanten blev drøftet.")
    bot.cmd("ad 3 beslutning: Der var enighed om at fortsætte det gode samarbejde vedrørende området.")
    bot.sender.event(
        mention_event(
            "<@UBOT> hvad blev besluttet om Trekanten?", user="ULARS", channel="C1", ts="1700000300.000100"
        )
    )
    reply = fake.wait_for(lambda: fake.thread("C1", "1700000300.000100"))[0]
    assert "Der var enighed om at fortsætte det gode samarbejde vedrørende området." in reply.text
    assert "19. marts 2024" in reply.text
    # A statement logged after that question is searchable at the next one.
    bot.cmd("ad 3 beslutning: Der var enighed om en ny tryghedsvandring i Trekanten.")
    bot.sender.event(
        mention_event(
            "<@UBOT> hvad blev besluttet om tryghedsvandring?",
            user="ULARS",
            channel="C1",
            ts="1700000400.000100",
        )
    )
    later = fake.wait_for(lambda: fake.thread("C1", "1700000400.000100"))[0]
    assert "ny tryghedsvandring i Trekanten" in later.text
