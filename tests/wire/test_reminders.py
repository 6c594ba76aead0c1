"""Reminders as direct messages scheduled in Slack, over signed HTTP against the stand-in.

The clock stands at Friday 27 November 2026, 14.00 in Copenhagen. The stand-in refuses what Slack
refuses (a time in the past, more than 120 days ahead), so only times the bot may ask for pass.
"""

from __future__ import annotations

import datetime as dt

from test_capture import log_meeting

from bot.console.scheduled import ScheduledMessage
from bot.slack import reminders
from support.app import Bot, Clock
from support.slack_fake import FakeSlack

# 09.00 in Copenhagen (CET, UTC+1) on the days that matter.
NOV_29_0900 = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
DEC_1_0900 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def pending(fake: FakeSlack) -> list[ScheduledMessage]:
    return fake.scheduled.pending()


def at(message: ScheduledMessage) -> dt.datetime:
    return dt.datetime.fromtimestamp(message.post_at, dt.UTC)


def scheduled_for(bot: Bot, fake: FakeSlack, count: int) -> list[ScheduledMessage]:
    """Wait for the work after the ack; then `count` reminders are pending in Slack and stored."""
    bot.settle()
    assert len(bot.store().reminders()) == count
    assert len(pending(fake)) == count
    return pending(fake)


def test_an_action_with_owner_and_deadline_is_reminded_before_and_on_the_morning(
    bot: Bot, fake: FakeSlack
) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist 1. december 2026")
    before, morning = scheduled_for(bot, fake, 2)
    assert (at(before), at(morning)) == (NOV_29_0900, DEC_1_0900)
    assert before.channel_id == morning.channel_id == "DULARS"  # a direct message to the owner
    assert before.text.startswith(
        "Påmindelse: opgave nr. 1 «Indkald til møde om Trekanten» fra Kredsrådsmøde i Holstebro Kommune, "
        "19. marts 2024 har frist 1. december 2026."
    )
    assert "har frist i dag (1. december 2026)" in morning.text
    assert "`/referat udført 1`" in morning.text
    stored = bot.store().reminders()
    assert {(r.kind, r.scheduled_message_id) for r in stored} == {
        ("before", before.id),
        ("morning", morning.id),
    }

    # Marked done: both are withdrawn in Slack and forgotten.
    bot.cmd("udført 1", user="ULARS")
    scheduled_for(bot, fake, 0)
    assert {m.id for m in fake.scheduled.deleted} == {before.id, morning.id}


def test_no_reminder_without_linked_owner_or_deadline_or_once_past(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Uden ansvarlig frist 1. december 2026")
    bot.cmd("ad 3 opgave: Uden frist <@ULARS>")
    bot.cmd("ad 3 opgave: Forfalden <@ULARS> frist 20. november 2026")
    # Deadline tomorrow: the day-before reminder would be in the past; only the morning one.
    bot.cmd("ad 3 opgave: I morgen <@UHELLE> frist 28. november 2026")
    (only,) = scheduled_for(bot, fake, 1)
    assert only.channel_id == "DUHELLE"
    assert at(only) == dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
    refused = [c for c in fake.calls_to("chat.scheduleMessage") if c.error]
    assert refused == []  # the bot never asks for what Slack refuses


def test_edited_and_deleted_actions_change_their_reminders(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde <@ULARS> frist 1. december 2026")
    first = {m.id for m in scheduled_for(bot, fake, 2)}

    # A new deadline and owner: the old reminders go, new ones come to the new owner.
    bot.cmd("ret 1 opgave: Indkald til møde om Trekanten <@UHELLE> frist 4. december 2026")
    assert {m.channel_id for m in scheduled_for(bot, fake, 2)} == {"DUHELLE"}
    assert first <= {m.id for m in fake.scheduled.deleted}
    assert all("Indkald til møde om Trekanten" in m.text for m in pending(fake))
    assert sorted(at(m) for m in pending(fake)) == [
        dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC),
    ]

    bot.cmd("slet 1")
    scheduled_for(bot, fake, 0)


def test_cancelling_the_meeting_withdraws_its_reminders(bot: Bot, fake: FakeSlack, clock: Clock) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde <@ULARS> frist 1. december 2026")
    bot.cmd("ad 3 opgave: Udarbejde handleplan <@UHELLE> frist 4. december 2026")
    scheduled = {m.id for m in scheduled_for(bot, fake, 4)}

    assert "aflyst" in bot.cmd("aflys")
    scheduled_for(bot, fake, 0)
    assert scheduled <= {m.id for m in fake.scheduled.deleted}
    # Past every deadline: nothing was posted to the owners for a meeting that did not take place.
    clock.advance(days=10)
    assert not [m for m in fake.scheduled.posted() if m.id in scheduled]


def test_far_deadlines_are_scheduled_by_the_sweep_once_in_range(
    bot: Bot, fake: FakeSlack, clock: Clock
) -> None:
    log_meeting(bot)
    # 1 June 2027 is 186 days ahead: the morning reminder is beyond Slack's 120 days.
    bot.cmd("ad 3 opgave: Evaluere indsatsen <@ULARS> frist 1. juni 2027")
    bot.cmd("ad 3 opgave: Noget snart <@UHELLE> frist 1. december 2026")
    scheduled_for(bot, fake, 2)  # only the near one's two
    assert {m.channel_id for m in pending(fake)} == {"DUHELLE"}

    clock.advance(days=70)  # 5 February 2027: both of the far action's times are within range
    assert bot.server is not None
    reminders.sweep(bot.server.app.client, bot.store(), now=clock(), days_before=2)
    lars = [m for m in pending(fake) if m.channel_id == "DULARS"]
    assert sorted(at(m) for m in lars) == [
        dt.datetime(2027, 5, 30, 7, 0, tzinfo=dt.UTC),  # summer time: 09.00 is 07.00 UTC
        dt.datetime(2027, 6, 1, 7, 0, tzinfo=dt.UTC),
    ]
    assert not [c for c in fake.calls_to("chat.scheduleMessage") if c.error]


def test_restart_reconciles_with_slacks_list(bot: Bot, fake: FakeSlack, clock: Clock) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde <@ULARS> frist 1. december 2026")
    before, morning = scheduled_for(bot, fake, 2)

    bot.stop()
    # While the bot was down: the day-before reminder was posted, the morning one withdrawn by hand
    # in Slack, and a stray message left from a crash between scheduling and storing.
    clock.advance(days=2)  # 29 November, 14.00
    fake.scheduled.forget(morning.id)
    stray = fake.scheduled.schedule(
        {"channel": "DULARS", "post_at": int(DEC_1_0900.timestamp()), "text": "Påmindelse …"}
    )
    bot.start()
    assert bot.server is not None
    reminders.reconcile(bot.server.app.client, bot.store(), now=clock(), days_before=2)

    (again,) = pending(fake)
    assert again.id not in (morning.id, stray["scheduled_message_id"])
    assert (again.channel_id, at(again)) == ("DULARS", DEC_1_0900)
    assert stray["scheduled_message_id"] in {m.id for m in fake.scheduled.deleted}
    stored = bot.store().reminders()
    assert [(r.kind, r.scheduled_message_id) for r in stored] == [("morning", again.id)]
    assert before.id in {m.id for m in fake.scheduled.posted()}

    # Reconciling twice changes nothing.
    reminders.reconcile(bot.server.app.client, bot.store(), now=clock(), days_before=2)
    assert [m.id for m in pending(fake)] == [again.id]
