"""The rule book on every surface, over signed HTTP: a representative refusal per surface, and
forged payloads. (Every rule × every kind of person is tried with plain calls in
tests/unit/test_rulebook_matrix.py; here each surface shows it goes through the same gate.)

People: the minute-taker (UMINUTES) and participants (UHELLE, ULARS, …) of a meeting in the private
channel C1; UMEMBER, a member of C1 who is no participant; UOTHER, outside C1 (the minute-taker of
another meeting in C2).
"""

from __future__ import annotations

import json

from test_capture import log_meeting
from test_home_and_shortcut import open_home, shortcut, submit

from bot.slack import ids
from storage.store import Store
from support.app import Bot
from support.slack_fake import FakeSlack

C1_MEMBERS = ["UMINUTES", "UHELLE", "UCLAUS", "ULARS", "USTOVE", "UMEMBER"]


def two_meetings(bot: Bot, fake: FakeSlack) -> None:
    fake.add_user("UMEMBER", "Mette Medlem")
    fake.add_channel("C1", "kredsraad", private=True, members=C1_MEMBERS)
    fake.add_channel("C2", "lokalraad", private=True, members=["UOTHER", "UHELLE"])
    log_meeting(bot)
    bot.cmd("start Lokalrådsmøde | 20. marts 2024", user="UOTHER", channel="C2")
    bot.cmd("dagsorden\n1. Status", user="UOTHER", channel="C2")


def footprint(store: Store) -> tuple[object, ...]:
    meetings = [m for c in ("C1", "C2") for m in store.channel_meetings(c)]
    return tuple((m.id, len(store.entries(m.id)), len(store.audit_trail(m.id))) for m in meetings)


def test_slash_commands_refuse_who_the_rule_book_refuses(bot: Bot, fake: FakeSlack) -> None:
    two_meetings(bot, fake)
    before = footprint(bot.store())
    posts = len(fake.calls_to("chat.postMessage"))
    # A channel member who is no participant may read the meeting, not draft or continue it.
    assert "Intet møde" not in bot.cmd("status", user="UMEMBER")
    assert bot.cmd("udkast", user="UMEMBER").startswith(
        "Kun mødets deltagere og referenten kan lave et udkast."
    )
    assert bot.cmd("næste", user="UMEMBER").startswith(
        "Kun mødets deltagere og referenten kan starte det næste"
    )
    # An action's owner outside the meeting and its channel would be sent its text: refused.
    refused = bot.cmd("ad 3 opgave: Ring til pressen <@UOTHER> frist 1. februar 2027", user="UHELLE")
    assert "kan ikke være ansvarlig" in refused
    bot.settle()
    assert footprint(bot.store()) == before
    assert len(fake.calls_to("chat.postMessage")) == posts
    assert not fake.calls_to("chat.scheduleMessage")
    # The minute-taker may; a channel member may own an action.
    assert "gemt" in bot.cmd("ad 3 opgave: Ring til pressen <@UMEMBER> frist 1. februar 2027")


def test_the_shortcut_and_its_form_refuse_outsiders_and_forged_forms(bot: Bot, fake: FakeSlack) -> None:
    two_meetings(bot, fake)
    before = footprint(bot.store())
    # A member who is no participant, and someone reading a channel they are not in.
    for user in ("UMEMBER", "UOTHER"):
        assert shortcut(bot, user=user, channel="C1", text="Husk budgettet", author="UHELLE") == 200
        fake.wait_for(lambda u=user: [r for r in fake.responses if "Kun mødets deltagere" in r.text])
    assert not fake.views

    assert shortcut(bot, user="UMINUTES", channel="C1", text="Husk budgettet", author="UHELLE") == 200
    metadata = json.loads(fake.wait_for(lambda: fake.views)[-1].view["private_metadata"])
    store = bot.store()
    c2 = store.current_meeting("C2")
    assert c2 is not None
    fields = {
        "item": {"type": "static_select", "selected_option": {"value": "1"}},
        "kind": {"type": "radio_buttons", "selected_option": {"value": "statement"}},
        "text": {"type": "plain_text_input", "value": "Indsmuglet"},
    }
    # The form names another channel's meeting (by its id), in this channel or in its own.
    for forged in ({**metadata, "meeting_id": c2.id}, {**metadata, "meeting_id": c2.id, "channel_id": "C2"}):
        answer = submit(bot, json.dumps(forged), "UHELLE", **fields).json()
        assert answer["response_action"] == "errors"
        assert (
            "Intet" in answer["errors"][ids.add_field("text")]
            or "intet" in answer["errors"][ids.add_field("text")]
        )
    # A participant's form naming an owner outside the meeting and the channel.
    owner = submit(
        bot,
        json.dumps(metadata),
        "UHELLE",
        **{**fields, "kind": {"type": "radio_buttons", "selected_option": {"value": "action"}}},
        owner={"type": "users_select", "selected_user": "UOTHER"},
        due={"type": "datepicker", "selected_date": "2027-02-01"},
    ).json()
    assert "kan ikke være ansvarlig" in owner["errors"][ids.add_field("owner")]
    bot.settle()
    assert footprint(bot.store()) == before
    assert not fake.calls_to("chat.scheduleMessage")


def test_reminders_and_app_home_reach_only_readers_and_ping_nobody(bot: Bot, fake: FakeSlack) -> None:
    two_meetings(bot, fake)
    bot.cmd("lukket 2")
    # Owned by a channel member: a reader of the meeting, not of the closed item 2.
    bot.cmd("ad 2 opgave: Personalesagens breve <@UMEMBER> frist 1. februar 2027")
    bot.cmd("ad 3 opgave: <!here> og <!subteam^S1|@ledelsen> får tidsplanen <@UMEMBER> frist 1. februar 2027")
    bot.settle()
    scheduled = [c.params.get("text", "") for c in fake.calls_to("chat.scheduleMessage")]
    assert scheduled, "the open item's action is reminded"
    assert all("tidsplanen" in text for text in scheduled), scheduled  # never the closed item's text
    home = open_home(bot, fake, "UMEMBER")
    assert "tidsplanen" in home
    assert "Personalesagens" not in home
    assert "<!here>" not in home
    assert "<!subteam" not in home
    assert "@here" in home
    assert "@ledelsen" in home
    # Someone outside the channel sees nothing of the meeting in their App Home.
    assert "Kredsrådsmøde" not in open_home(bot, fake, "UOTHER")
