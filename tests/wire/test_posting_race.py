"""A click or a `godkendt` in the moment a draft is in Slack but the bot has not yet stored where.

The draft is stored, then posted, then its message and thread are recorded. Slack shows the message
(and, for a later version, the top message's new buttons) before the bot has recorded it. An
approval in that moment is not recorded at all, and the approver is told to try again; once the
bot has recorded the post, the same approval works.
"""

from __future__ import annotations

from test_approval import (
    approvals_of_latest,
    click,
    click_again,
    draft_id,
    header_text,
    logged,
    meeting_of,
    post_draft,
    reply,
    top_now,
    wait_locked,
)

from bot.approval import rules
from bot.slack import ids
from storage.records import MeetingStatus
from support.app import Bot
from support.slack_fake import BOT_USER_ID, FakeSlack
from support.slack_requests import mention_event, message_event

STILL = "ved at blive lagt i kanalen"


def still_posting_to(fake: FakeSlack, user: str, count: int) -> None:
    told = fake.wait_for(lambda: [e for e in fake.ephemerals("C1", user) if STILL in e.text][count - 1 :])
    assert told[0].text == rules.STILL_POSTING


def test_approval_while_a_new_version_is_being_posted_is_refused_visibly(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE")
    top = post_draft(bot, fake)
    v1 = draft_id(top)
    bot.cmd("ad 1 tilføjede at aftalen løber til 2028.", user="UHELLE")

    # v2: the top message is updated to v2 first; the post in the thread is held back, so the
    # bot has not yet recorded where v2 went.
    fake.delay_next("chat.postMessage", 10.0)
    bot.cmd("udkast")
    fake.wait_for(lambda: fake.delayed("chat.postMessage"))
    shown = top_now(fake, top)
    assert "v2" in header_text(shown)
    assert draft_id(shown) != v1

    click(bot, ids.APPROVE, shown, "UHELLE")
    still_posting_to(fake, "UHELLE", 1)
    # A reply in the thread of v1 would otherwise approve v2, which has no thread of its own yet.
    reply(bot, fake, top, "godkendt", "UHELLE")
    still_posting_to(fake, "UHELLE", 2)

    store = bot.store()
    assert approvals_of_latest(store) == []
    assert meeting_of(store).status is MeetingStatus.OPEN
    assert not [f for f in fake.files if f.name.endswith("-godkendt.txt")]
    assert not [e for e in fake.ephemerals("C1", "UHELLE") if "Tak" in e.text]

    # Once v2 is recorded as posted, the approver's next click counts and locks the meeting.
    fake.release("chat.postMessage")
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v2 " in r.text])
    click_again(bot, ids.APPROVE, draft_id(shown), "UHELLE", thread_ts=top.ts)
    wait_locked(bot, fake, top)
    assert approvals_of_latest(bot.store()) == ["UHELLE"]
    assert meeting_of(bot.store()).status is MeetingStatus.APPROVED


def test_godkendt_in_a_thread_not_yet_recorded_is_answered(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE")
    fake.delay_next("chat.postMessage", 10.0)
    bot.cmd("udkast")
    fake.wait_for(lambda: fake.delayed("chat.postMessage"))

    # From the bot's side a reply in the new thread looks like a reply in a thread it does not know.
    thread = fake.seed_message("C1", "Referat – udkast", user="UOTHER")
    answer = fake.seed_message("C1", "Godkendt", user="UHELLE", thread_ts=thread.ts)
    bot.sender.event(
        message_event("Godkendt", user="UHELLE", channel="C1", ts=answer.ts, thread_ts=thread.ts)
    )
    still_posting_to(fake, "UHELLE", 1)
    # The same addressed to the bot arrives as a mention too.
    named = fake.seed_message("C1", f"<@{BOT_USER_ID}> godkendt", user="ULARS", thread_ts=thread.ts)
    bot.sender.event(mention_event("godkendt", user="ULARS", channel="C1", ts=named.ts, thread_ts=thread.ts))
    told = fake.wait_for(lambda: fake.ephemerals("C1", "ULARS"))
    assert [e.text for e in told] == [rules.STILL_POSTING]
    # Chatter in that thread meanwhile is no approval: no answer.
    chat = fake.seed_message("C1", "Fint, tak", user="UOTHER", thread_ts=thread.ts)
    bot.sender.event(message_event("Fint, tak", user="UOTHER", channel="C1", ts=chat.ts, thread_ts=thread.ts))

    fake.release("chat.postMessage")
    fake.wait_for(lambda: [r for r in fake.responses if "Udkast v1 " in r.text])
    bot.settle()
    assert [e.text for e in fake.ephemerals("C1", "ULARS")] == [rules.STILL_POSTING]
    assert not fake.ephemerals("C1", "UOTHER")
    assert approvals_of_latest(bot.store()) == []
    assert meeting_of(bot.store()).status is MeetingStatus.OPEN
