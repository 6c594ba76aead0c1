"""Tamper evidence: the hash chain over approved texts, and `referat verify` before and after tampering.

Two meetings are approved in Slack over signed HTTP (the final file states its hash); then rows are
changed directly in SQLite, as someone with the database file could, and `referat verify` must name
exactly the meeting that changed. The pure chain check is tested on its own case table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot import cli
from bot.archive.verify import verify_archive
from bot.referat.sealing import check_pdf
from bot.slack import ids
from storage import chain
from storage.chain import (
    GENESIS,
    KIND_ADDITION,
    KIND_REFERAT,
    ChainedText,
    Link,
    link_hash,
    next_link,
    text_hash,
)
from storage.connection import connect
from storage.migrations import migrations
from storage.store import Store
from support.app import BOT_TOKEN, Bot, Clock
from support.seals import make_seal
from support.slack_fake import FakeSlack

NOW = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
WAIT = 20.0


def approve_meeting(bot: Bot, fake: FakeSlack, channel: str, title: str) -> None:
    bot.cmd(f"start {title} | 19. marts 2024 | rådhuset", channel=channel)
    bot.cmd("deltager <@UHELLE> | Politidirektør | politiet", channel=channel)
    bot.cmd("dagsorden\n1. Orientering", channel=channel)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE", channel=channel)
    answered = len(fake.responses)
    bot.cmd("udkast", channel=channel)
    # The bot reports the draft once it has stored where it was posted; a click before that would
    # approve a draft whose thread the bot does not know yet.
    fake.wait_for(lambda: [r for r in fake.responses[answered:] if "Udkast v1 " in r.text], timeout=WAIT)
    # Generous waits: the machine running the suite may be busy; a condition met returns at once.
    # The bot's own "… er lagt i kanalen" comes once it has stored where the draft was posted; a click
    # on the message before that would find no draft thread.
    fake.wait_for(
        lambda: [r for r in fake.responses if r.channel == channel and "er lagt i kanalen" in r.text],
        timeout=WAIT,
    )
    top = fake.wait_for(
        lambda: [m for m in fake.messages(channel) if not m.is_reply and m.blocks], timeout=WAIT
    )[0]
    response = bot.sender.action(
        ids.APPROVE,
        str(next(b for b in top.blocks or [] if b.get("type") == "actions")["elements"][0]["value"]),
        user="UHELLE",
        channel=channel,
        message_ts=top.ts,
        message_blocks=top.blocks,
    )
    assert response.status == 200
    fake.wait_for(
        lambda: [f for f in fake.files if f.channel == channel and f.name.endswith("-godkendt.txt")],
        timeout=WAIT,
    )


def verify(db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setenv("REFERAT_DB", str(db))
    code = cli.main(["verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_verify_is_clean_then_names_the_meeting_whose_row_was_changed(
    bot: Bot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    approve_meeting(bot, fake, "C1", "Kredsrådsmøde i Holstebro Kommune")
    approve_meeting(bot, fake, "C2", "Bestyrelsesmøde i Foreningen")
    store = bot.store()
    first, second = (store.current_meeting(c) for c in ("C1", "C2"))
    assert first is not None
    assert second is not None

    # The posted final file states the hash of exactly its bytes.
    for meeting in (first, second):
        posted = next(
            f for f in fake.files if f.channel == meeting.channel_id and f.name.endswith("-godkendt.txt")
        )
        digest = hashlib.sha256(posted.content).hexdigest()
        assert posted.initial_comment is not None
        assert digest in posted.initial_comment
        final = store.approved_referat(meeting.id)
        assert final is not None
        assert final.text_sha256 == digest

    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 0, out
    assert "Alt stemmer: 2 godkendte referater i 2 møder" in out
    assert "(2 led)" in out

    # Someone edits the approved text of the first meeting in the database file.
    with sqlite3.connect(bot.db_path) as db:
        db.execute(
            "update approved_referats set text = replace(text, 'flerårsaftalen', 'noget andet') "
            "where meeting_id = ?",
            [first.id],
        )
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1
    assert f"Kredsrådsmøde i Holstebro Kommune (19.03.2024, id {first.id})" in out
    assert "den godkendte tekst er ændret" in out
    assert "Bestyrelsesmøde" not in out

    # ... and covers it by updating the stored hash too: the chain still knows.
    with sqlite3.connect(bot.db_path) as db:
        text = db.execute("select text from approved_referats where meeting_id = ?", [first.id]).fetchone()[0]
        db.execute(
            "update approved_referats set text_sha256 = ? where meeting_id = ?", [text_hash(text), first.id]
        )
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1
    assert f"id {first.id})" in out
    assert f"id {second.id})" not in out


def test_slack_as_witness_finds_a_deleted_last_approval_and_stripped_seals(
    fake: FakeSlack,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    made = make_seal()
    bot = Bot(fake=fake, db_path=tmp_path / "referat.db", clock=clock, seal=made.seal).start()
    try:
        approve_meeting(bot, fake, "C1", "Kredsrådsmøde i Holstebro Kommune")
        approve_meeting(bot, fake, "C2", "Bestyrelsesmøde i Foreningen")
        store = bot.store()
        first, last = (store.current_meeting(c) for c in ("C1", "C2"))
        assert first is not None
        assert last is not None
        # In each thread, for everyone to read: the text's hash and the archive's chain head then.
        final = store.approved_referat(last.id)
        assert final is not None
        stated = fake.wait_for(
            lambda: [m for m in fake.messages("C2") if m.is_reply and "kædehoved" in m.text], timeout=WAIT
        )[0]
        assert final.text_sha256 in stated.text
        assert store.chain_head() in stated.text
        assert "forseglet" in stated.text
        # `/referat eksport pdf` of an approved referat is the sealed PDF.
        bot.cmd("eksport pdf", channel="C1")
        uploaded = fake.wait_for(lambda: [f for f in fake.files if f.name.endswith(".pdf")], timeout=WAIT)[0]
        sealed = check_pdf(uploaded.content, made.seal.chain)
        assert (sealed.signed, sealed.intact, sealed.trusted, sealed.whole_file) == (True, True, True, True)
        assert sealed.proof is not None
        assert sealed.proof["meeting_id"] == first.id
    finally:
        bot.stop()
    _, cert = made.write(tmp_path, "segl")
    monkeypatch.setenv("REFERAT_SEAL_CERT", str(cert))

    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 0, out
    assert "Seglet holder på 2 led" in out
    assert "Slack som vidne blev sprunget over" in out
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 0, out
    assert "Slack som vidne: 2 godkendelser" in out
    assert fake.calls_to("conversations.history")
    assert fake.calls_to("conversations.replies")

    # Someone with the database file deletes the last approval and reopens the meeting: what is left
    # is a whole, shorter, sealed chain.
    with sqlite3.connect(bot.db_path) as db:
        db.execute("delete from chain where meeting_id = ?", [last.id])
        db.execute("delete from approved_referats where meeting_id = ?", [last.id])
        db.execute("update meetings set status = 'open', approved_utc = null where id = ?", [last.id])
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1  # the audit trail still remembers the approval ...
    assert f"id {last.id}): revisionssporet viser godkendelsen" in out
    with sqlite3.connect(bot.db_path) as db:
        db.execute("delete from audit where meeting_id = ? and action = 'approved'", [last.id])
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 0  # ... and without it the database alone cannot tell
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1
    assert f"Bestyrelsesmøde i Foreningen (19.03.2024, id {last.id}): Slack så godkendelsen" in out
    assert "arkivet har den ikke længere" in out
    assert f"id {first.id})" not in out

    # ... and strips the seal from the remaining link: the database calls it older than the seal,
    # Slack remembers it was sealed.
    with sqlite3.connect(bot.db_path) as db:
        db.execute("update chain set signature = null, certificate_sha256 = null")
    code, out = verify(bot.db_path, monkeypatch, capsys)
    assert code == 1
    assert (
        f"Kredsrådsmøde i Holstebro Kommune (19.03.2024, id {first.id}): Slack så godkendelsen forseglet"
        in out
    )


def test_verify_on_an_empty_archive_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify(tmp_path / "referat.db", monkeypatch, capsys)
    assert code == 0
    assert "ingen godkendte referater" in out


# --------------------------------------------------------------------------------------------
# The chain, pure


def build(*items: tuple[int, str, int, str]) -> tuple[list[Link], list[ChainedText]]:
    """Links and texts for (meeting, kind, source, text), chained as the store chains them."""
    links: list[Link] = []
    texts = []
    for number, (meeting, kind, source, text) in enumerate(items, 1):
        digest = text_hash(text)
        previous_meeting, previous_archive, link = next_link(
            links, meeting_id=meeting, kind=kind, source_id=source, text_sha256=digest
        )
        links.append(Link(number, meeting, kind, source, digest, previous_meeting, previous_archive, link))
        texts.append(ChainedText(meeting, kind, source, text, digest))
    return links, texts


ARCHIVE = (
    (1, KIND_REFERAT, 1, "Referat af møde 1"),
    (2, KIND_REFERAT, 2, "Referat af møde 2"),
    (1, KIND_ADDITION, 7, "Tilføjelse til møde 1"),
    (3, KIND_REFERAT, 3, "Referat af møde 3"),
)


def test_a_whole_chain_verifies_and_links_both_chains() -> None:
    links, texts = build(*ARCHIVE)
    assert chain.verify(links, texts) == []
    assert links[0].previous_archive == links[0].previous_meeting == GENESIS
    assert links[2].previous_meeting == links[0].link_sha256  # meeting 1's own chain
    assert links[2].previous_archive == links[1].link_sha256  # the archive's chain


def replace_link(links: list[Link], index: int, **changes: object) -> list[Link]:
    changed = list(links)
    fields = {**changed[index].__dict__, **changes}
    changed[index] = Link(**fields)  # type: ignore[arg-type]
    return changed


@pytest.mark.parametrize(
    ("tamper", "named", "reason"),
    [
        ("text", {2}, "den godkendte tekst er ændret"),
        ("stored hash", {2}, "den gemte SHA-256"),
        ("text and both hashes", {2}, "leddet for den godkendte tekst er ændret"),
        ("link rewritten whole", {1}, "kæden er brudt før tilføjelse nr. 7"),
        ("link removed", {1, 3}, "står ikke i kæden"),
        ("text removed", {3}, "findes ikke længere"),
        ("addition changed", {1}, "tilføjelse nr. 7 er ændret"),
    ],
)
def test_every_kind_of_tampering_names_its_meeting(tamper: str, named: set[int], reason: str) -> None:
    links, texts = build(*ARCHIVE)
    if tamper == "text":
        texts[1] = ChainedText(2, KIND_REFERAT, 2, "Referat af møde 2, rettet", texts[1].stored_sha256)
    elif tamper == "stored hash":
        texts[1] = ChainedText(2, KIND_REFERAT, 2, texts[1].text, text_hash("noget andet"))
    elif tamper == "text and both hashes":
        new = text_hash("Referat af møde 2, rettet")
        texts[1] = ChainedText(2, KIND_REFERAT, 2, "Referat af møde 2, rettet", new)
        links = replace_link(links, 1, text_sha256=new)
    elif tamper == "link rewritten whole":
        # Text, hashes and the link's own hash all redone: the next link still names the old one.
        new = text_hash("Referat af møde 2, rettet")
        texts[1] = ChainedText(2, KIND_REFERAT, 2, "Referat af møde 2, rettet", new)
        redone = link_hash(
            meeting_id=2,
            kind=KIND_REFERAT,
            source_id=2,
            text_sha256=new,
            previous_meeting=GENESIS,
            previous_archive=links[0].link_sha256,
        )
        links = replace_link(links, 1, text_sha256=new, link_sha256=redone)
    elif tamper == "link removed":
        del links[2]
    elif tamper == "text removed":
        del texts[3]
    elif tamper == "addition changed":
        texts[2] = ChainedText(1, KIND_ADDITION, 7, "Tilføjelse, rettet", texts[2].stored_sha256)
    problems = chain.verify(links, texts)
    assert {p.meeting_id for p in problems} >= named
    assert any(reason in p.reason for p in problems), problems
    if tamper != "link rewritten whole":
        assert {p.meeting_id for p in problems} == named


def test_referater_approved_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m060_chain")
    store = Store(db)
    for day, text in ((21, "Referat af møde 1\n"), (20, "Referat af møde 2\n")):
        meeting = store.create_meeting(
            title=f"Møde {day}",
            date=dt.date(2024, 3, day),
            place=None,
            channel_id=f"C{day}",
            starter_user_id="UREF",
            now=NOW,
        )
        draft = store.add_draft(meeting.id, text=text, text_sha256=text_hash(text), snapshot=[], now=NOW)
        db.table("approved_referats").insert(
            {
                "meeting_id": meeting.id,
                "draft_id": draft.id,
                "draft_sha256": text_hash(text),
                "text": text,
                "text_sha256": text_hash(text),
                "approved_utc": f"2024-03-{day}T08:00:00+00:00",
            }
        )
    db.conn.commit()
    migrations.apply(db)
    links = store.chain_links()
    # Chained in the order they were approved: the meeting approved on the 20th first.
    assert [link.meeting_id for link in links] == [2, 1]
    assert chain.verify(links, store.chained_texts()) == []
    assert verify_archive(store).whole
