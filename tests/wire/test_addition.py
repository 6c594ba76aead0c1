"""Additions after approval: the approved text never changes; a dated addition is approved in the thread.

Over signed HTTP: a meeting is approved, the minute-taker adds an addition, the approver approves it
with a reply, and the approved bytes and hash are the same before and after, while exports and
`referat verify` include the addition. Questions to the archive find an approved addition (cited as
an addition, with its approval date) for those who may read the meeting, and never a pending one.
"""

from __future__ import annotations

import sqlite3

import pytest
from test_access_slack import dm_answer
from test_approval import reply
from test_verify import WAIT, approve_meeting, verify

from bot.slack import ids
from support.app import Bot
from support.slack_fake import FakeSlack

ADDITION = "Under punkt 1 skal der stå 2025, ikke 2024."
PARAGRAPH = f"Tilføjelse 27. november 2026, godkendt 27. november 2026 af Helle Kyndesen: {ADDITION}"


def test_an_addition_is_approved_after_the_final_approval_and_the_approved_text_is_untouched(
    bot: Bot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    approve_meeting(bot, fake, "C1", "Kredsrådsmøde i Holstebro Kommune")
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    before = store.approved_referat(meeting.id)
    assert before is not None

    # Only the minute-taker adds, and only to an approved referat.
    assert "Kun referenten" in bot.cmd(f"tilføjelse {ADDITION}", user="UHELLE")
    bot.cmd("start Bestyrelsesmøde | 20. marts 2024", channel="C2")
    assert "ikke godkendt endnu" in bot.cmd(f"tilføjelse {ADDITION}", channel="C2")
    assert store.additions(meeting.id) == []

    assert "lægges i referatets tråd" in bot.cmd(f"tilføjelse {ADDITION}")
    top = next(m for m in fake.messages("C1") if not m.is_reply and m.blocks)
    fake.wait_for(lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelse til det godkendte" in m.text])
    # Not in the referat until approved.
    assert store.additions(meeting.id, approved_only=True) == []

    reply(bot, fake, top, "godkendt", "UHELLE")
    approved = fake.wait_for(
        lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelsen er godkendt" in m.text], timeout=WAIT
    )[0]
    assert PARAGRAPH in approved.text.replace("&gt;", ">")

    after = store.approved_referat(meeting.id)
    assert after is not None
    assert after.text.encode() == before.text.encode()  # the approved bytes, untouched
    assert after.text_sha256 == before.text_sha256

    exported = len(fake.files)
    bot.cmd("eksport txt")
    text = fake.wait_for(lambda: fake.files[exported:], timeout=WAIT)[0].text
    assert text == before.text.rstrip("\n") + "\n\n" + PARAGRAPH + "\n"
    assert text.index(PARAGRAPH) > text.index("Godkendt 27. november 2026 af Helle Kyndesen")

    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 0, out
    assert "1 godkendt referat og 1 tilføjelse i 1 møde er uændrede" in out

    with sqlite3.connect(bot.db_path) as db:
        db.execute("update additions set text = 'Noget andet.'")
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1
    assert f"Kredsrådsmøde i Holstebro Kommune (19.03.2024, id {meeting.id})" in out
    assert "tilføjelse nr. 1 er ændret" in out


APPROVED_WORDS = "Fartviserne flyttes til Lemvigvej efter aftale med vejmyndigheden."
PENDING_WORDS = "Cykelstien ved skolen udskydes til næste år."


def test_the_archive_answers_from_an_approved_addition_only_for_its_readers(
    bot: Bot, fake: FakeSlack
) -> None:
    # A private channel: Helle and the minute-taker may read its referat; Ole may not.
    fake.add_channel("C1", "kredsraad", private=True, members=["UMINUTES", "UHELLE"])
    for user in ("UHELLE", "UOTHER"):
        fake.add_dm(f"D{user}", user)
    approve_meeting(bot, fake, "C1", "Kredsrådsmøde i Holstebro Kommune")
    top = next(m for m in fake.messages("C1") if not m.is_reply and m.blocks)

    assert "lægges i referatets tråd" in bot.cmd(f"tilføjelse {APPROVED_WORDS}")
    fake.wait_for(lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelse til det godkendte" in m.text])
    # Before approval its words are nowhere in the archive's answers.
    before = dm_answer(bot, fake, "UHELLE", "fartviserne Lemvigvej")
    assert "flyttes" not in before
    assert "Tilføjelse til referatet" not in before
    reply(bot, fake, top, "godkendt", "UHELLE")
    fake.wait_for(
        lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelsen er godkendt" in m.text], timeout=WAIT
    )

    # A second addition, still waiting for approval.
    assert "lægges i referatets tråd" in bot.cmd(f"tilføjelse {PENDING_WORDS}")
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    assert [a.text for a in store.additions(meeting.id) if a.approved_utc is None] == [PENDING_WORDS]

    answer = dm_answer(bot, fake, "UHELLE", "fartviserne Lemvigvej")
    assert "*Kredsrådsmøde i Holstebro Kommune*, 19. marts 2024" in answer
    assert "Tilføjelse til referatet, 27. november 2026, godkendt 27. november 2026:" in answer
    assert APPROVED_WORDS in answer
    assert "cykelstien" not in answer.casefold()

    pending = dm_answer(bot, fake, "UHELLE", "cykelstien skolen")
    assert PENDING_WORDS not in pending
    assert "Tilføjelse til referatet" not in pending

    outsider = dm_answer(bot, fake, "UOTHER", "fartviserne Lemvigvej")
    assert "flyttes" not in outsider
    assert "Tilføjelse" not in outsider
    assert "Kredsrådsmøde" not in outsider


def test_the_addition_s_button_approves_it_for_its_approvers_only(bot: Bot, fake: FakeSlack) -> None:
    approve_meeting(bot, fake, "C1", "Kredsrådsmøde i Holstebro Kommune")
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    top = next(m for m in fake.messages("C1") if not m.is_reply and m.blocks)
    bot.cmd(f"tilføjelse {ADDITION}")
    [posted] = fake.wait_for(
        lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelse til det godkendte" in m.text]
    )
    [addition] = store.additions(meeting.id)
    button = next(b for b in posted.blocks or [] if b.get("type") == "actions")["elements"][0]
    assert (button["action_id"], button["value"]) == (ids.APPROVE_ADDITION, str(addition.id))

    def press(user: str, message_ts: str, thread_ts: str | None, channel: str = "C1") -> None:
        response = bot.sender.action(
            ids.APPROVE_ADDITION,
            str(addition.id),
            user=user,
            channel=channel,
            message_ts=message_ts,
            thread_ts=thread_ts,
        )
        assert response.status == 200

    # Not an approver of the referat: the minute-taker who wrote it, or someone else.
    press("UMINUTES", posted.ts, top.ts)
    press("ULARS", posted.ts, top.ts)
    refusal = "Kun godkenderne kan godkende referatet: Helle Kyndesen."
    fake.wait_for(lambda: [e for e in fake.ephemerals("C1", "UMINUTES") if e.text.startswith(refusal)])
    fake.wait_for(lambda: [e for e in fake.ephemerals("C1", "ULARS") if e.text.startswith(refusal)])
    # The approver, but the id pasted onto a message outside the referat's thread.
    other = fake.seed_message("C1", "Noget andet", user="UHELLE")
    press("UHELLE", other.ts, None)
    fake.wait_for(lambda: [e for e in fake.ephemerals("C1", "UHELLE") if "hører ikke til" in e.text])
    bot.settle()
    assert store.addition_approvals(addition.id) == {}
    assert store.additions(meeting.id, approved_only=True) == []
    assert not [m for m in fake.thread("C1", top.ts) if "Tilføjelsen er godkendt" in m.text]

    # The approver's click on the addition does what `godkendt` in the thread does.
    press("UHELLE", posted.ts, top.ts)
    approved = fake.wait_for(
        lambda: [m for m in fake.thread("C1", top.ts) if "Tilføjelsen er godkendt" in m.text], timeout=WAIT
    )[0]
    assert PARAGRAPH in approved.text.replace("&gt;", ">")
    assert "Tak – du har godkendt tilføjelsen." in [e.text for e in fake.ephemerals("C1", "UHELLE")]
    assert [a.paragraph for a in store.additions(meeting.id, approved_only=True)] == [PARAGRAPH]
