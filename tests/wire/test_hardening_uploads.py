"""Files into channels the bot has not joined: a public channel is joined first, otherwise the person
is told what to do, and a draft that cannot be posted whole leaves no message behind.

The stand-in refuses a file where the bot is no member (`not_in_channel`), as Slack does, and joins
only public channels.
"""

from __future__ import annotations

from bot.slack.uploads import INVITE
from support.app import Bot
from support.slack_fake import FakeSlack

PEOPLE = ["UMINUTES", "UHELLE", "UCLAUS", "ULARS", "USTOVE"]


def open_meeting(bot: Bot, channel: str, *, entries: int = 1) -> None:
    bot.cmd("start Udenfor | 19. marts 2024", channel=channel)
    bot.cmd("dagsorden\n1. Punkt\n2. Andet punkt", channel=channel)
    for n in range(entries):
        bot.cmd(f"ad 1 Indlæg {n}: " + "politiet orienterede om tryghed i bydelen. " * 40, channel=channel)


def test_an_export_in_a_public_channel_the_bot_is_not_in_joins_it_first(bot: Bot, fake: FakeSlack) -> None:
    fake.add_channel("CPUB", "offentlig", members=PEOPLE, bot_member=False)
    open_meeting(bot, "CPUB")
    assert "som md" in bot.cmd("eksport md", channel="CPUB")
    bot.settle()
    [shared] = [f for f in fake.files if f.channel == "CPUB"]
    assert shared.name.endswith(".md")
    joins = fake.calls_to("conversations.join")
    assert [c.params.get("channel") for c in joins] == ["CPUB"]


def test_when_joining_is_refused_the_person_is_told_what_to_do_and_nothing_is_shared(
    bot: Bot, fake: FakeSlack
) -> None:
    fake.add_channel("CPUB2", "offentlig", members=PEOPLE, bot_member=False)
    open_meeting(bot, "CPUB2")
    fake.fail_next("conversations.join", error="missing_scope")
    bot.cmd("eksport docx", channel="CPUB2")
    bot.settle()
    assert any(INVITE in str(r.body.get("text")) for r in fake.responses)
    assert not fake.files


def test_a_long_draft_in_a_channel_the_bot_is_not_in_is_posted_whole(bot: Bot, fake: FakeSlack) -> None:
    fake.add_channel("CPUB3", "offentlig", members=PEOPLE, bot_member=False)
    open_meeting(bot, "CPUB3", entries=40)
    bot.cmd("udkast", channel="CPUB3")
    bot.settle()
    assert [f.name for f in fake.files if f.channel == "CPUB3"] == ["referat-v1.txt"]
    assert fake.messages("CPUB3")


def test_a_draft_whose_file_slack_refuses_leaves_no_message_of_it(bot: Bot, fake: FakeSlack) -> None:
    open_meeting(bot, "C1", entries=40)
    fake.fail_next("files.completeUploadExternal", error="internal_error")
    bot.cmd("udkast")
    bot.settle()
    assert any("Slack afviste udkastet" in str(r.body.get("text")) for r in fake.responses)
    assert [m for m in fake.messages("C1") if m.origin == "chat.postMessage"] == []
    assert fake.calls_to("chat.delete")
    meeting = bot.store().open_meeting("C1")
    assert meeting is not None
    assert bot.store().latest_draft(meeting.id) is None
