"""Slack's 3 seconds and sizes on the approval flow and long answers.

The two buttons that open a modal open it before any other Slack call (the trigger expires 3 s
after the click, and a membership look-up can take longer); a refusal found afterwards replaces the
modal. A status or agenda echo longer than a message is cut in the ack with the whole as a file by
DM. Plain `text` carries `&`, `<`, `>` from titles escaped.
"""

from __future__ import annotations

from test_approval import click, logged, post_draft

from bot.slack import ids
from bot.slack.limits import MAX_TEXT
from support.app import Bot
from support.slack_fake import FakeSlack


def _slack_calls_after(fake: FakeSlack, start: int) -> list[str]:
    return [c.method for c in fake.calls[start:] if c.method != "auth.test"]


def test_both_modal_buttons_open_their_modal_before_any_other_slack_call(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE", "ULARS")
    top = post_draft(bot, fake)
    bot.settle()
    looked_up = False
    for action, callback in (
        (ids.REQUEST_CHANGES, ids.CHANGES_MODAL),
        (ids.APPROVE_WITH_RESERVATION, ids.RESERVATION_MODAL),
    ):
        # Slack says someone joined: the cached facts are dropped, so the click must ask Slack again.
        bot.sender.event({"type": "member_joined_channel", "user": "ULARS", "channel": "C1"})
        bot.settle()
        start, shown = len(fake.calls), len(fake.views)
        click(bot, action, top, "ULARS")
        [view] = fake.wait_for(lambda shown=shown: fake.views[shown:])
        assert view.view["callback_id"] == callback
        bot.settle()
        calls = _slack_calls_after(fake, start)
        assert calls[0] == "views.open"
        looked_up = looked_up or "users.conversations" in calls
    # Lars's rights were looked up in Slack, after the modal was open.
    assert looked_up


def test_a_reader_who_may_not_act_sees_the_modal_replaced_by_the_refusal(bot: Bot, fake: FakeSlack) -> None:
    fake.add_channel(
        "C1", "kredsraad", private=True, members=["UMINUTES", "UHELLE", "UCLAUS", "ULARS", "USTOVE"]
    )
    logged(bot, "UHELLE")
    top = post_draft(bot, fake)
    shown = len(fake.views)
    # UOTHER is no member of the channel: the modal opens at once, then says no.
    click(bot, ids.REQUEST_CHANGES, top, "UOTHER")
    fake.wait_for(lambda: [v for v in fake.views[shown:] if v.updates])
    bot.settle()
    [view] = fake.views[shown:]
    assert "callback_id" not in view.view
    assert "ikke adgang" in str(view.view["blocks"])
    assert "submit" not in view.view
    assert bot.store().comments(bot.store().open_meeting("C1").id) == []  # type: ignore[union-attr]


def test_a_long_status_is_cut_in_the_ack_and_sent_whole_by_dm(bot: Bot, fake: FakeSlack) -> None:
    bot.cmd("start Langt & grundigt møde | 19. marts 2024")
    agenda = "dagsorden\n" + "\n".join(
        f"{n}. Punkt <{n}> om trafik & tryghed i bydel {n}" for n in range(1, 107)
    )
    echo = bot.cmd(agenda)
    assert len(echo) <= MAX_TEXT
    for n in range(1, 30):
        bot.cmd(f"ad {n} " + f"Indlæg {n} om trafik & tryghed. " * 20)
    status = bot.cmd("status")
    assert len(status) <= MAX_TEXT
    assert "Hele teksten sendes til dig som fil" in status
    assert "&amp;" in status
    bot.settle()
    files = [f for f in fake.files if f.name == "referat-svar.txt"]
    assert len(files) == 2  # the agenda's echo and the status
    assert files[-1].channel is not None
    assert files[-1].channel.startswith("D")
    whole = files[-1].text
    assert "Indlæg 29 om trafik & tryghed." in whole
    assert len(whole) > MAX_TEXT


def test_the_drafts_plain_text_escapes_the_title_as_its_blocks_do(bot: Bot, fake: FakeSlack) -> None:
    bot.cmd("start Trafik & <tryghed> | 19. marts 2024")
    bot.cmd("dagsorden\n1. Punkt")
    bot.cmd("ad 1 Politiet orienterede.")
    bot.cmd("udkast")
    [top] = fake.wait_for(lambda: [m for m in fake.messages("C1") if m.blocks])
    assert "Trafik &amp; &lt;tryghed&gt;" in top.text
    assert "<tryghed>" not in top.text
