"""Approval with a reservation, by a reply in the thread and by the **Godkend med forbehold** modal.

A reservation counts as an approval, and the approval line of the final referat carries it.
"""

from __future__ import annotations

import json

from test_approval import approvals_of_latest, click, ephemeral_to, logged, post_draft, reply, wait_locked

from bot.slack import ids
from support.app import Bot
from support.slack_fake import FakeMessage, FakeSlack


def open_and_submit(bot: Bot, fake: FakeSlack, top: FakeMessage, user: str, text: str) -> dict[str, object]:
    """Click **Godkend med forbehold**, submit the modal it opens; returns Slack's answer (JSON)."""
    shown = len(fake.views)
    click(bot, ids.APPROVE_WITH_RESERVATION, top, user)
    view = fake.wait_for(lambda: fake.views[shown:])[0]
    assert view.view["callback_id"] == ids.RESERVATION_MODAL
    response = bot.sender.view_submission(
        ids.RESERVATION_MODAL,
        view.view["private_metadata"],
        {ids.RESERVATION_INPUT_BLOCK: {ids.RESERVATION_INPUT_ACTION: text}},
        user=user,
        view_id=view.id,  # each views.open shows a view of its own
    )
    assert response.status == 200
    return json.loads(response.body) if response.body else {}


def test_reservations_by_reply_and_by_modal_are_in_the_approval_line(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE", "ULARS")
    top = post_draft(bot, fake)

    # A reservation without its text is not an approval.
    reply(bot, fake, top, "godkendt med forbehold", "UHELLE")
    assert "Skriv forbeholdet" in ephemeral_to(fake, "UHELLE", "forbehold")
    store = bot.store()
    assert approvals_of_latest(store) == []

    answer = reply(bot, fake, top, "Godkendt med forbehold: Punkt 3 bør uddybes.", "UHELLE")
    fake.wait_for(lambda: fake.reactions("C1", answer) == ["white_check_mark"])

    # Someone who is not an approver is refused at the button (the modal, opened at once because
    # its trigger expires, is replaced by the refusal) and, submitting an approver's modal as their
    # own, gets the modal's error; nothing is recorded.
    shown = len(fake.views)
    click(bot, ids.APPROVE_WITH_RESERVATION, top, "UOTHER")
    assert "Intet er registreret" in ephemeral_to(fake, "UOTHER", "Kun godkenderne")
    [refused] = fake.views[shown:]
    assert "callback_id" not in refused.view
    assert "Kun godkenderne" in str(refused.view["blocks"])
    shown = len(fake.views)
    click(bot, ids.APPROVE_WITH_RESERVATION, top, "ULARS")
    view = fake.wait_for(lambda: fake.views[shown:])[0]
    assert view.view["callback_id"] == ids.RESERVATION_MODAL
    forged = bot.sender.view_submission(
        ids.RESERVATION_MODAL,
        view.view["private_metadata"],
        {ids.RESERVATION_INPUT_BLOCK: {ids.RESERVATION_INPUT_ACTION: "Jeg er imod"}},
        user="UOTHER",
        view_id=view.id,
    )
    assert "Kun godkenderne" in str(json.loads(forged.body)["errors"])
    assert approvals_of_latest(bot.store()) == ["UHELLE"]

    answer = bot.sender.view_submission(
        ids.RESERVATION_MODAL,
        view.view["private_metadata"],
        {ids.RESERVATION_INPUT_BLOCK: {ids.RESERVATION_INPUT_ACTION: "Bilag 2 mangler."}},
        user="ULARS",
        view_id=view.id,
    )
    assert answer.status == 200
    assert not answer.body
    wait_locked(bot, fake, top)

    store = bot.store()
    meeting = store.meeting(1)
    assert meeting is not None
    final = store.approved_referat(meeting.id)
    assert final is not None
    line = final.text.rstrip("\n").rsplit("\n\n", 1)[1]
    assert line == (
        "Godkendt 27. november 2026 af Helle Kyndesen (med forbehold: Punkt 3 bør uddybes.) og "
        "Lars Møller (med forbehold: Bilag 2 mangler.)"
    )
    assert final.approval_line == line
    reservations = {a.user_id: a.reservation for a in store.approvals(final.draft_id)}
    assert reservations == {"UHELLE": "Punkt 3 bør uddybes.", "ULARS": "Bilag 2 mangler."}
    assert "Jeg er imod" not in final.text
