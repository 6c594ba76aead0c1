"""Sizes an attacker or a careless paste would test: one entry, one question, a whole command.

One running bot for the module (each test in its own channel): a 900,000-character entry used to
be stored; now it is refused with the limit in Danish, and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.text.sizes import MAX_COMMAND_CHARS, MAX_ENTRY_CHARS, MAX_QUESTION_CHARS
from support.app import USERS, Bot, Clock
from support.slack_fake import FakeSlack


@pytest.fixture(scope="module")
def shared_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    clock = Clock()
    with FakeSlack(clock) as slack:
        for user_id, name in USERS.items():
            slack.add_user(user_id, name)
        running = Bot(fake=slack, db_path=tmp_path_factory.mktemp("limits") / "referat.db", clock=clock)
        running.start()
        try:
            yield running
        finally:
            running.stop()


def open_meeting(bot: Bot, channel: str) -> int:
    bot.cmd("start Grænser | 19. marts 2024", channel=channel)
    bot.cmd("dagsorden\n1. Punkt", channel=channel)
    store = bot.store()
    meeting = store.open_meeting(channel)
    assert meeting is not None
    return meeting.id


def texts(bot: Bot, meeting_id: int) -> list[str]:
    return [e.text for e in bot.store().entries(meeting_id)]


def test_an_entry_over_the_limit_is_refused_in_danish_and_nothing_is_kept(shared_bot: Bot) -> None:
    meeting_id = open_meeting(shared_bot, "CLONG1")
    answer = shared_bot.cmd("ad 1 " + "x" * (MAX_ENTRY_CHARS + 1), channel="CLONG1")
    assert "10.000 tegn" in answer
    assert "Intet er gemt" in answer
    assert len(answer) < 4_000
    assert texts(shared_bot, meeting_id) == []
    # The limit itself is allowed: the refusal is about length, not content.
    shared_bot.cmd("ad 1 " + "y" * MAX_ENTRY_CHARS, channel="CLONG1")
    assert texts(shared_bot, meeting_id) == ["y" * MAX_ENTRY_CHARS]


def test_a_900_000_character_command_is_refused_before_parsing(shared_bot: Bot) -> None:
    meeting_id = open_meeting(shared_bot, "CLONG2")
    answer = shared_bot.cmd("ad 1 " + "Ord " * 225_000, channel="CLONG2")
    assert f"{MAX_COMMAND_CHARS:,}".replace(",", ".") in answer
    assert texts(shared_bot, meeting_id) == []


@pytest.mark.parametrize(
    "command", ["ret 1 {text}", "protokollat 1 {text}", "ad 1 beslutning: {text}", "ad 1 opgave: {text}"]
)
def test_edits_notes_and_decisions_have_the_same_limit(shared_bot: Bot, command: str) -> None:
    channel = "CLONG3" + str(abs(hash(command)) % 1000)
    meeting_id = open_meeting(shared_bot, channel)
    shared_bot.cmd("ad 1 Kort", channel=channel)
    answer = shared_bot.cmd(command.format(text="z" * (MAX_ENTRY_CHARS + 5)), channel=channel)
    assert "højst være 10.000 tegn" in answer
    assert texts(shared_bot, meeting_id) == ["Kort"]


def test_a_question_over_the_limit_is_refused_and_not_searched(shared_bot: Bot) -> None:
    answer = shared_bot.cmd("spørg " + "budget " * (MAX_QUESTION_CHARS // 7 + 2), channel="CLONG4")
    assert "højst være 1.000 tegn" in answer


def test_a_question_by_mention_over_the_limit_gets_the_limit_too(shared_bot: Bot) -> None:
    from support.slack_requests import mention_event

    shared_bot.sender.event(
        mention_event(
            "<@UREFERAT> " + "budget " * 200, user="UHELLE", channel="CLONG5", ts=shared_bot.fake.new_ts()
        )
    )
    posted = shared_bot.fake.wait_for(
        lambda: (
            [m for m in shared_bot.fake.messages("CLONG5") if "Spørgsmålet er" in m.text]
            + [e for e in shared_bot.fake.ephemerals("CLONG5") if "Spørgsmålet er" in e.text]
        )
    )
    assert "1.000 tegn" in posted[0].text


def test_an_entry_with_the_word_payload_is_stored_and_answered(shared_bot: Bot) -> None:
    # Bolt reads a form body holding the word "payload" as an interaction; the bot reads it as the command.
    meeting_id = open_meeting(shared_bot, "CLONG6")
    answer = shared_bot.cmd("ad 1 Systemets payload blev gennemgået.", channel="CLONG6")
    assert "payload" in answer
    assert texts(shared_bot, meeting_id) == ["Systemets payload blev gennemgået."]
