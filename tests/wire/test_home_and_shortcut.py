"""App Home and the "Tilføj til referat" message shortcut, over signed HTTP against the stand-in.

People: the minute-taker (UMINUTES), owners of actions (ULARS, UHELLE), an approver (UHELLE), and
someone outside the meeting's channel (UOTHER), who must see none of it in "Seneste møder".
"""

from __future__ import annotations

import json
import time
from typing import Any

from test_approval import click, post_draft, reply
from test_capture import log_meeting

from bot.slack import ids
from storage.records import EntryKind
from support.app import Bot
from support.slack_fake import FakeSlack
from support.slack_requests import _payload_body


def open_home(bot: Bot, fake: FakeSlack, user: str) -> str:
    """The text of the App Home published for `user` after they open it."""
    before = fake.homes.publishes
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    assert bot.sender.event(event).status == 200
    fake.wait_for(lambda: fake.homes.publishes > before)
    bot.settle()
    return home_text(fake, user)


def home_text(fake: FakeSlack, user: str) -> str:
    return json.dumps(fake.homes.views[user]["blocks"], ensure_ascii=False)


def done_button(fake: FakeSlack, user: str, number: int) -> dict[str, Any] | None:
    for block in fake.homes.views[user]["blocks"]:
        button = block.get("accessory") or {}
        if button.get("action_id") == ids.HOME_DONE and button.get("value") == str(number):
            return block
    return None


def test_app_home_per_person(bot: Bot, fake: FakeSlack) -> None:
    members = ["UMINUTES", "UHELLE", "ULARS", "UCLAUS", "USTOVE"]
    fake.add_channel("C1", "kredsraad", private=True, members=members)
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist 15. april 2024")
    bot.cmd("ad 3 opgave: Udarbejde handleplan <@UHELLE> frist 1. februar 2027")
    bot.cmd("godkendere <@UHELLE>")
    post_draft(bot, fake)
    bot.settle()

    lars = open_home(bot, fake, "ULARS")
    assert "Indkald til møde om Trekanten" in lars
    assert "forfalden" in lars  # 15 April 2024 has passed
    assert "Udarbejde handleplan" not in lars  # Helle's, not his
    assert done_button(fake, "ULARS", 1) is not None
    assert "Ingen udkast venter på dig." in lars  # he is no approver
    assert "Kredsrådsmøde i Holstebro Kommune, 19. marts 2024 (åbent)" in lars

    helle = open_home(bot, fake, "UHELLE")
    assert "Udarbejde handleplan" in helle
    assert "Indkald til møde" not in helle
    assert "udkast v1" in helle  # waiting for her approval, with a link to the thread
    assert "https://" in helle

    # Someone outside the private channel: no meetings, no actions, nothing to approve.
    other = open_home(bot, fake, "UOTHER")
    assert "Kredsrådsmøde" not in other
    assert "Trekanten" not in other
    assert "Ingen møder, du kan læse, endnu." in other


def test_an_approval_takes_the_draft_off_the_approvers_home_at_once(bot: Bot, fake: FakeSlack) -> None:
    fake.add_channel("C1", "kredsraad", private=True, members=["UMINUTES", "UHELLE", "ULARS"])
    log_meeting(bot)
    bot.cmd("godkendere <@UHELLE> <@ULARS>")
    top = post_draft(bot, fake)
    bot.settle()
    assert "udkast v1" in open_home(bot, fake, "UHELLE")
    assert "udkast v1" in open_home(bot, fake, "ULARS")

    # Helle approves on the button: her home is published again without her opening it ...
    before = fake.homes.publishes
    click(bot, ids.APPROVE, top, "UHELLE")
    fake.wait_for(
        lambda: fake.homes.publishes > before and "Ingen udkast venter på dig." in home_text(fake, "UHELLE")
    )
    assert "udkast v1" not in home_text(fake, "UHELLE")
    # ... while Lars, who has not approved, still has it waiting.
    assert "udkast v1" in home_text(fake, "ULARS")

    # Lars approves by a reply in the thread: the same for him.
    reply(bot, fake, top, "godkendt", "ULARS")
    fake.wait_for(lambda: "Ingen udkast venter på dig." in home_text(fake, "ULARS"))
    assert "udkast v1" not in home_text(fake, "ULARS")


def test_app_home_recent_meetings_of_a_public_channel(bot: Bot, fake: FakeSlack) -> None:
    fake.add_user("UGUEST", "Gitte Gæst", guest=True)
    fake.add_user("UEXT", "Ekstern Person", team_id="T2")
    fake.add_channel("C1", "kredsraad", members=["UMINUTES", "UHELLE"])
    log_meeting(bot)
    # A full member of the workspace may read a public channel's meetings without joining it ...
    assert "Kredsrådsmøde i Holstebro Kommune, 19. marts 2024" in open_home(bot, fake, "UOTHER")
    # ... a guest or a user of another organisation may not.
    assert "Kredsrådsmøde" not in open_home(bot, fake, "UGUEST")
    assert "Kredsrådsmøde" not in open_home(bot, fake, "UEXT")


def test_udfoert_on_app_home_marks_done_and_republishes(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist 1. december 2026")
    bot.settle()
    open_home(bot, fake, "ULARS")
    assert len(fake.scheduled.pending()) == 2
    before = fake.homes.publishes
    response = bot.sender.action(
        ids.HOME_DONE, "1", user="ULARS", channel="DULARS", message_ts="1700000000.000001"
    )
    assert response.status == 200
    fake.wait_for(lambda: fake.homes.publishes > before)
    bot.settle()
    assert done_button(fake, "ULARS", 1) is None
    assert "Du har ingen åbne opgaver." in home_text(fake, "ULARS")
    action = bot.store().action(1)
    assert action is not None
    assert action.done_by == "ULARS"
    assert fake.scheduled.pending() == []  # its reminders are withdrawn

    # /referat udført republishes too (the owner's home no longer lists it).
    bot.cmd("ad 3 opgave: Næste skridt <@ULARS> frist 2. december 2026")
    bot.settle()
    assert "Næste skridt" in home_text(fake, "ULARS")
    bot.cmd("udført 2", user="ULARS")
    bot.settle()
    assert "Næste skridt" not in home_text(fake, "ULARS")


def shortcut(
    bot: Bot, *, user: str, channel: str, text: str, author: str, ts: str = "1700000500.000100"
) -> int:
    payload = {
        "type": "message_action",
        "callback_id": ids.ADD_SHORTCUT,
        "trigger_id": f"trigger-{time.time_ns()}",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "name": user.lower(), "team_id": "T1"},
        "channel": {"id": channel, "name": "kredsraad"},
        "message": {"type": "message", "user": author, "text": text, "ts": ts},
        "message_ts": ts,
        "response_url": bot.fake.new_response_url(channel, user),
        "action_ts": f"{time.time():.6f}",
        "token": "verification-token",
        "is_enterprise_install": False,
    }
    return bot.sender.post(
        "/slack/events", _payload_body(payload), "application/x-www-form-urlencoded"
    ).status


def field(name: str, leaf: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ids.add_field(name): {ids.add_field(name): leaf}}


def submit(bot: Bot, metadata: str, user: str, **leaves: dict[str, Any]) -> Any:
    values: dict[str, dict[str, Any]] = {}
    for name, leaf in leaves.items():
        values |= field(name, leaf)
    return bot.sender.view_submission(ids.ADD_MODAL, metadata, values, user=user)


def test_shortcut_opens_a_prefilled_modal_and_stores_the_entry(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 2 Lars Møller orienterede om budgettet.", user="ULARS")
    assert (
        shortcut(
            bot, user="UMINUTES", channel="C1", text="Vi <b>fortsætter</b> & ser på det", author="UHELLE"
        )
        == 200
    )
    view = fake.wait_for(lambda: fake.views)[-1].view
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[ids.add_field("item")]["element"]["initial_option"]["value"] == "2"  # item last logged to
    speaker = blocks[ids.add_field("speaker")]["element"]["initial_option"]
    assert "Helle Kyndesen" in speaker["text"]["text"]  # the message's author, a participant
    assert blocks[ids.add_field("text")]["element"]["initial_value"] == "Vi <b>fortsætter</b> & ser på det"
    metadata = view["private_metadata"]

    # Validation errors stay in the modal, beside their fields; nothing is stored.
    refused = submit(
        bot,
        metadata,
        "UMINUTES",
        item={"type": "static_select", "selected_option": {"value": "2"}},
        kind={"type": "radio_buttons", "selected_option": {"value": "action"}},
        text={"type": "plain_text_input", "value": "   "},
        due={"type": "datepicker", "selected_date": "2024-03-01"},
    )
    assert refused.status == 200
    answer = refused.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.add_field("text"), ids.add_field("due")}
    assert "før mødet" in answer["errors"][ids.add_field("due")]
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    assert len(store.entries(meeting.id)) == 1

    stored = submit(
        bot,
        metadata,
        "UMINUTES",
        item={"type": "static_select", "selected_option": {"value": "3"}},
        kind={"type": "radio_buttons", "selected_option": {"value": "action"}},
        text={"type": "plain_text_input", "value": "Følge op på Trekanten"},
        owner={"type": "users_select", "selected_user": "ULARS"},
        due={"type": "datepicker", "selected_date": "2026-12-01"},
    )
    assert stored.status == 200
    assert not stored.body
    entry = store.entries(meeting.id)[-1]
    assert (entry.item_number, entry.kind, entry.text, entry.owner_user_id) == (
        3,
        EntryKind.ACTION,
        "Følge op på Trekanten",
        "ULARS",
    )
    channel, ts, permalink = store.entry_source(entry.id) or ("", "", None)
    assert (channel, ts) == ("C1", "1700000500.000100")
    assert permalink
    fake.wait_for(lambda: [e for e in fake.ephemerals("C1", "UMINUTES") if "Følge op på Trekanten" in e.text])
    bot.settle()
    assert len(fake.scheduled.pending()) == 2  # an action with owner and deadline is reminded

    # Another kind with owner or deadline is refused rather than silently dropping them.
    odd = submit(
        bot,
        metadata,
        "UMINUTES",
        item={"type": "static_select", "selected_option": {"value": "3"}},
        kind={"type": "radio_buttons", "selected_option": {"value": "statement"}},
        text={"type": "plain_text_input", "value": "Noget"},
        owner={"type": "users_select", "selected_user": "ULARS"},
    )
    assert ids.add_field("kind") in odd.json()["errors"]


def test_shortcut_where_no_meeting_is_open_says_so(bot: Bot, fake: FakeSlack) -> None:
    assert shortcut(bot, user="UHELLE", channel="C7", text="Husk mødet", author="ULARS") == 200
    said = fake.wait_for(lambda: [r for r in fake.responses if "intet åbent møde" in r.text])
    assert said[0].response_type == "ephemeral"
    assert not fake.views


def test_shortcut_in_a_meeting_without_agenda_shows_why_beside_the_text(bot: Bot, fake: FakeSlack) -> None:
    bot.cmd("start Kredsrådsmøde | 19. marts 2024")
    assert shortcut(bot, user="UMINUTES", channel="C1", text="", author="UHELLE") == 200
    view = fake.wait_for(lambda: fake.views)[-1].view
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert ids.add_field("item") not in blocks
    assert (
        "initial_value"
        not in next(b for b in view["blocks"] if b.get("block_id") == ids.add_field("text"))["element"]
    )
    refused = submit(
        bot,
        view["private_metadata"],
        "UMINUTES",
        kind={"type": "radio_buttons", "selected_option": {"value": "statement"}},
        text={"type": "plain_text_input", "value": "Noget"},
    )
    errors = refused.json()["errors"]
    # Only blocks the view has: Slack refuses errors for any other.
    assert set(errors) == {ids.add_field("text")}
    assert "ingen dagsorden" in errors[ids.add_field("text")]


def test_shortcut_with_more_than_100_items_and_people_offers_what_fits_around_the_default(
    bot: Bot, fake: FakeSlack
) -> None:
    log_meeting(bot)
    bot.cmd("dagsorden\n" + "\n".join(f"{n}. Punkt {n}" for n in range(1, 151)))
    for n in range(1, 98):
        bot.cmd(f"deltager Gæst Nummer {n} | Tilhører")
    bot.cmd("ad 140 Lars Møller orienterede om budgettet.", user="ULARS")
    assert shortcut(bot, user="UMINUTES", channel="C1", text="Et indlæg", author="UHELLE") == 200
    view = fake.wait_for(lambda: fake.views)[-1].view
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    item = blocks[ids.add_field("item")]
    values = [o["value"] for o in item["element"]["options"]]
    assert len(values) == 100
    assert "140" in values
    assert item["element"]["initial_option"]["value"] == "140"
    assert "150 punkter" in item["hint"]["text"]
    speaker = blocks[ids.add_field("speaker")]
    assert len(speaker["element"]["options"]) == 100
    assert "Helle Kyndesen" in speaker["element"]["initial_option"]["text"]["text"]
    assert "deltagere" in speaker["hint"]["text"]
