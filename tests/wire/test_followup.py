"""Between meetings, over signed HTTP: `/referat opgaver`, `/referat udført` and `/referat næste`.

The people: the minute-taker (UMINUTES), owners of actions (ULARS, UHELLE), a participant who owns
nothing (UCLAUS), and someone from elsewhere (UOTHER) who must not see the channel's actions.
"""

from __future__ import annotations

import pytest
from test_approval import click, post_draft
from test_capture import log_meeting

from bot.slack import ids
from storage.records import MeetingStatus
from support.app import Bot
from support.slack_fake import FakeSlack


def with_actions(bot: Bot) -> None:
    """The logged meeting (19 March 2024) with three actions; the clock stands at 27 November 2026."""
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Udarbejde handleplan for Trekanten <@UHELLE> frist 1. februar 2027")
    bot.cmd("ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist 15. april 2024")
    bot.cmd("ad 4 opgave: Finde ny mødedato")
    bot.cmd("ad 1 Helle Kyndesen orienterede om Bo Trygt.")


def test_actions_list_overdue_first_and_per_person(bot: Bot) -> None:
    with_actions(bot)
    answer = bot.cmd("opgaver", user="UCLAUS")
    lines = answer.splitlines()
    assert lines[0] == "Åbne opgaver fra kanalens møder (3, heraf 1 forfalden):"
    # Overdue first and marked; then by deadline; an action without deadline last.
    assert lines[1].startswith(
        "• #2 ⚠️ *forfalden* Indkald til møde om Trekanten – <@ULARS> – frist 15. april 2024"
    )
    assert lines[1].endswith("Kredsrådsmøde i Holstebro Kommune, 19. marts 2024")
    assert lines[2].startswith("• #1 Udarbejde handleplan for Trekanten – <@UHELLE> – frist 1. februar 2027")
    assert lines[3].startswith("• #3 Finde ny mødedato – Kredsrådsmøde")
    assert "orienterede" not in answer  # statements are not actions

    mine = bot.cmd("opgaver mine", user="ULARS")
    assert mine.startswith("Dine åbne opgaver (1, heraf 1 forfalden):")
    assert "#2" in mine
    assert "#1" not in mine

    hers = bot.cmd("opgaver <@UHELLE>", user="ULARS")
    assert hers.startswith("Åbne opgaver for <@UHELLE> (1):")
    assert "#1" in hers
    assert "#2" not in hers

    assert bot.cmd("opgaver mine", user="UCLAUS") == "Du har ingen åbne opgaver fra kanalens møder."


def test_actions_are_not_shown_outside_the_meetings_channel(bot: Bot) -> None:
    with_actions(bot)
    # Someone in another channel (or a DM with the bot) sees only their own actions.
    assert bot.cmd("opgaver", user="UOTHER", channel="C2") == "Du har ingen åbne opgaver."
    refused = bot.cmd("opgaver <@ULARS>", user="UOTHER", channel="C2")
    assert "mødets kanal" in refused
    assert "Trekanten" not in refused
    own = bot.cmd("opgaver", user="ULARS", channel="D1")
    assert "#2" in own
    assert "#1" not in own
    assert "#3" not in own


def test_sloppy_actions_arguments_are_refused_with_the_usage(bot: Bot) -> None:
    answer = bot.cmd("opgaver hvem")
    assert 'Forstår ikke "hvem"' in answer
    assert "/referat opgaver [@person|mine] [alle]" in answer
    assert "ikke begge" in bot.cmd("opgaver mine <@ULARS>")


def test_the_owner_marks_done_kept_in_the_audit_trail(bot: Bot) -> None:
    with_actions(bot)
    answer = bot.cmd("udført 1 Sendt til kredsrådet", user="UHELLE")
    assert answer.startswith("Opgave nr. 1 er udført 27. november 2026: «Udarbejde handleplan for Trekanten»")
    assert "Sendt til kredsrådet" in answer

    assert "#1" not in bot.cmd("opgaver")
    everything = bot.cmd("opgaver alle")
    assert everything.startswith("Opgaver fra kanalens møder (3, heraf 1 forfalden):")
    done_line = next(line for line in everything.splitlines() if "#1" in line)
    assert "udført 27. november 2026 (Sendt til kredsrådet)" in done_line
    assert everything.splitlines()[-2] == done_line  # done after open ones

    store = bot.store()
    action = store.action(1)
    assert action is not None
    assert action.done
    assert action.done_by == "UHELLE"
    trail = [a for a in store.audit_trail(action.meeting.id) if a.action == "done"]
    assert [(a.entry_id, a.user_id, a.after) for a in trail] == [
        (action.entry.id, "UHELLE", "Sendt til kredsrådet")
    ]
    # The entry itself, what the referat says, is untouched.
    assert store.entry_by_id(action.entry.id) == action.entry
    assert action.entry.edited_utc is None

    again = bot.cmd("udført 1", user="UHELLE")
    assert again == "Opgave nr. 1 er allerede udført 27. november 2026."


def test_only_owner_or_minute_taker_marks_done(bot: Bot) -> None:
    with_actions(bot)
    refused = bot.cmd("udført 2", user="UCLAUS")
    assert refused.startswith("Kun den ansvarlige (<@ULARS>) eller referenten (<@UMINUTES>)")
    assert refused == bot.cmd("udført 2", user="UHELLE")  # owning another action is not enough
    store = bot.store()
    action = store.action(2)
    assert action is not None
    assert not action.done
    assert not [a for a in store.audit_trail(action.meeting.id) if a.action == "done"]

    assert "er udført" in bot.cmd("udført 2")  # the minute-taker
    assert "er udført" in bot.cmd("udført 3")  # an action without owner: the minute-taker only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("udført", "Skriv opgavens nummer"),
        ("udført sidste", "Skriv opgavens nummer"),
        ("udført 99", "Der er ingen opgave nr. 99."),
        ("done 0", "nummereret fra 1"),
    ],
)
def test_marking_done_refuses_bad_numbers(bot: Bot, text: str, expected: str) -> None:
    with_actions(bot)
    assert expected in bot.cmd(text)


def test_done_after_approval_leaves_the_approved_referat_unchanged(bot: Bot, fake: FakeSlack) -> None:
    with_actions(bot)
    bot.cmd("godkendere <@UHELLE>")
    top = post_draft(bot, fake)
    click(bot, ids.APPROVE, top, "UHELLE")
    store = bot.store()
    action = store.action(2)
    assert action is not None
    # Approved, and posted: the posting time is stored after the final referat reached Slack.
    final = fake.wait_for(
        lambda: (approved := store.approved_referat(action.meeting.id)) and approved.posted_utc and approved
    )

    assert "er udført" in bot.cmd("udført 2", user="ULARS")
    assert store.approved_referat(action.meeting.id) == final
    assert "udført" not in (final.text if final else "")


def approve_meeting(bot: Bot, fake: FakeSlack) -> None:
    bot.cmd("godkendere <@UHELLE>")
    top = post_draft(bot, fake)
    click(bot, ids.APPROVE, top, "UHELLE")
    store = bot.store()
    fake.wait_for(lambda: store.current_meeting("C1").status is MeetingStatus.APPROVED)  # type: ignore[union-attr]


def test_next_meeting_after_an_approved_one(bot: Bot, fake: FakeSlack) -> None:
    with_actions(bot)
    bot.cmd("udført 3")
    approve_meeting(bot, fake)

    answer = bot.cmd("næste 16. april 2024", user="USTOVE")
    assert answer.startswith(
        "Næste møde er startet: Kredsrådsmøde i Holstebro Kommune\nDato: 16. april 2024\n"
    )
    assert "Sted: rådhuset i Holstebro" in answer
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    assert meeting.status is MeetingStatus.OPEN
    assert (meeting.title, meeting.place, meeting.starter_user_id) == (
        "Kredsrådsmøde i Holstebro Kommune",
        "rådhuset i Holstebro",
        "USTOVE",
    )
    agenda = store.agenda(meeting.id)
    assert [(a.number, a.title) for a in agenda] == [
        (1, "Godkendelse af referat fra mødet den 19. marts 2024"),
        (2, "Opfølgning på opgaver"),
        (3, "Eventuelt"),
    ]
    assert agenda[0].bullets == ()  # approved: no note
    # Open actions only, overdue first: text – owner – deadline.
    assert agenda[1].bullets == (
        "Indkald til møde om Trekanten – Lars Møller – 15. april 2024",
        "Udarbejde handleplan for Trekanten – Helle Kyndesen – 1. februar 2027",
    )
    # The same people, everyone expected again (last meeting's apology does not carry over).
    people = store.participants(meeting.id)
    assert [p.name for p in people][:2] == ["Helle Kyndesen", "Claus Hilborg"]
    assert "Claus Nørgaard" in [p.name for p in people]
    assert not any(p.absent for p in people)
    # The new meeting is the channel's meeting now: logging goes there; the old one is untouched.
    assert bot.cmd("ad 2 Lars Møller orienterede om mødet.", user="ULARS").startswith("Nr. 1 gemt under Ad 2")
    assert "har intet udkast" in bot.cmd("næste", user="USTOVE")


def test_next_meeting_while_the_last_referat_awaits_approval(bot: Bot, fake: FakeSlack) -> None:
    with_actions(bot)
    refused = bot.cmd("næste")
    assert "har intet udkast" in refused
    assert len(bot.store().channel_meetings("C1")) == 1

    bot.cmd("godkendere <@UHELLE>")
    top = post_draft(bot, fake)
    answer = bot.cmd("næste i morgen | politigården")
    assert "Dato: 28. november 2026" in answer
    assert "Sted: politigården" in answer
    assert "Referatet er endnu ikke godkendt." in answer
    store = bot.store()
    old, new = sorted(store.channel_meetings("C1"), key=lambda m: m.id)
    assert store.agenda(new.id)[0].bullets == ("Referatet er endnu ikke godkendt.",)
    # The old draft can still be approved in its thread.
    click(bot, ids.APPROVE, top, "UHELLE")
    fake.wait_for(lambda: store.meeting(old.id).status is MeetingStatus.APPROVED)  # type: ignore[union-attr]
    assert store.meeting(new.id).status is MeetingStatus.OPEN  # type: ignore[union-attr]


def test_next_meeting_needs_a_previous_one(bot: Bot) -> None:
    assert "intet tidligere møde" in bot.cmd("næste")
    assert bot.store().channel_meetings("C1") == []


def test_actions_on_a_closed_item_are_for_its_participants_only(bot: Bot, fake: FakeSlack) -> None:
    with_actions(bot)  # item 3 holds actions #1 and #2
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    # Item 3 treated behind closed doors (stored as the access rules read it).
    store.db.execute("update agenda_items set closed = 1 where meeting_id = ? and number = 3", [meeting.id])
    store.db.conn.commit()

    participant = bot.cmd("opgaver", user="UCLAUS")  # a linked participant
    assert "#1" in participant
    assert "#2" in participant
    outsider = bot.cmd("opgaver", user="UOTHER")  # in the channel, not at the meeting
    assert "#3" in outsider
    assert "#1" not in outsider
    assert "Trekanten" not in outsider

    approve_meeting(bot, fake)
    agenda = bot.cmd("næste")
    assert "Trekanten" not in agenda  # the next agenda is read by everyone
    assert "Finde ny mødedato" in agenda
