"""Approval is atomic: the approval that completes the set locks the meeting before Slack is called,
and whatever Slack refuses afterwards is finished by the next click or reply.

Slack failures are injected in the stand-in; the store is read from a second connection, as
another process would see it.
"""

from __future__ import annotations

import time

from test_approval import (
    click,
    click_again,
    draft_id,
    ephemeral_to,
    logged,
    meeting_of,
    post_draft,
    reply,
    wait_locked,
)

from bot.slack import ids
from bot.slack.drafts import UNFINISHED
from storage.records import MeetingStatus
from support.app import Bot
from support.slack_fake import FakeSlack


def final_posts(fake: FakeSlack) -> list[str]:
    return [f.name for f in fake.files if f.name.endswith("-godkendt.txt")]


def wait_posted(bot: Bot, timeout: float = 10.0) -> None:
    """Until the store records the final referat as posted, which it does after the last Slack call
    (so the stand-in has no call to wake a waiter with: the store is polled, bounded)."""
    store = bot.store()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        final = store.approved_referat(meeting_of(store).id)
        if final is not None and final.posted_utc is not None:
            return
        time.sleep(0.02)
    raise AssertionError("the final referat was never marked as posted")


def test_a_failed_receipt_no_longer_leaves_the_meeting_open(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE")
    top = post_draft(bot, fake)
    # The approver's "Tak" used to come first; when Slack refused it, the lock was never reached.
    fake.fail_next("chat.postEphemeral", error="channel_not_found")
    click(bot, ids.APPROVE, top, "UHELLE")
    wait_locked(bot, fake, top)
    wait_posted(bot)
    assert meeting_of(bot.store()).status is MeetingStatus.APPROVED


def test_the_lock_is_stored_before_slack_and_a_repeated_click_finishes_the_rest(
    bot: Bot, fake: FakeSlack
) -> None:
    logged(bot, "UHELLE", "ULARS")
    top = post_draft(bot, fake)
    click(bot, ids.APPROVE, top, "ULARS")
    ephemeral_to(fake, "ULARS", "Tak")
    fake.wait_for_call("chat.update")  # the top message shows Lars's approval
    # Slack refuses the top message's update (and so everything after it) for the completing approval.
    fake.fail_next("chat.update", error="internal_error")
    click(bot, ids.APPROVE, top, "UHELLE")
    assert ephemeral_to(fake, "UHELLE", "kunne ikke lægges i tråden") == UNFINISHED
    store = bot.store()
    meeting = meeting_of(store)
    assert meeting.status is MeetingStatus.APPROVED  # locked in the approval's own transaction
    final = store.approved_referat(meeting.id)
    assert final is not None
    assert final.posted_utc is None
    assert final_posts(fake) == []
    # Not "already approved": a repeated click (by either approver) finishes the finalisation.
    click_again(bot, ids.APPROVE, draft_id(top), "ULARS", top.ts)
    assert "Det endelige referat af v1 er nu lagt i tråden." in ephemeral_to(fake, "ULARS", "endelige")
    wait_locked(bot, fake, top)
    wait_posted(bot)
    # Done once: a further click is only told it was approved already, and nothing is posted again.
    click_again(bot, ids.APPROVE, draft_id(top), "UHELLE", top.ts)
    assert "allerede godkendt" in ephemeral_to(fake, "UHELLE", "allerede")
    assert len(final_posts(fake)) == 1


def test_a_reply_finishes_a_finalisation_cut_short_by_a_failed_post(bot: Bot, fake: FakeSlack) -> None:
    logged(bot, "UHELLE")
    top = post_draft(bot, fake)
    fake.fail_next("chat.postMessage", error="internal_error")
    reply(bot, fake, top, "godkendt", "UHELLE")
    ephemeral_to(fake, "UHELLE", "kunne ikke lægges i tråden")
    assert meeting_of(bot.store()).status is MeetingStatus.APPROVED
    assert final_posts(fake) == []
    reply(bot, fake, top, "godkendt", "UHELLE")
    wait_locked(bot, fake, top)
    assert len(final_posts(fake)) == 1
    # Someone who is not an approver cannot trigger anything on the locked meeting.
    click_again(bot, ids.APPROVE, draft_id(top), "UOTHER", top.ts)
    assert "Intet er registreret" in ephemeral_to(fake, "UOTHER", "Kun godkenderne")
    assert len(final_posts(fake)) == 1
