"""Slack as witness, pure: the statement, reading it back (only the bot's own), comparing with the chain."""

from __future__ import annotations

from typing import Any

from bot.archive.witness import Witness, compare, read, statement
from storage.chain import KIND_ADDITION, KIND_REFERAT, Link

BOT = "UREFERAT"
SEEN = Witness(
    meeting_id=3,
    kind=KIND_REFERAT,
    source_id=3,
    text_sha256="a" * 64,
    chain_head="b" * 64,
    sealed_by="c" * 64,
)


def link(
    text_sha256: str = "a" * 64, link_sha256: str = "b" * 64, certificate: str | None = "c" * 64
) -> Link:
    return Link(1, 3, KIND_REFERAT, 3, text_sha256, "0" * 64, "0" * 64, link_sha256, None, None, certificate)


def posted(user: str = BOT, **changes: Any) -> dict[str, Any]:
    text, metadata = statement(SEEN)
    metadata["event_payload"].update(changes)
    return {"type": "message", "user": user, "ts": "1.000002", "text": text, "metadata": metadata}


def test_the_statement_says_the_hash_and_the_head_and_reads_back_as_itself() -> None:
    text, _ = statement(SEEN)
    assert "a" * 64 in text
    assert "b" * 64 in text
    assert read(posted(), "C1", BOT) == Witness(**{**SEEN.__dict__, "channel_id": "C1", "ts": "1.000002"})


def test_only_the_bots_own_well_formed_statements_count() -> None:
    assert read(posted(user="UHELLE"), "C1", BOT) is None
    assert read(posted(meeting_id="tre"), "C1", BOT) is None
    assert read(posted(kind="noget"), "C1", BOT) is None
    assert read({"user": BOT, "text": "Kvittering", "metadata": {"event_type": "andet"}}, "C1", BOT) is None
    assert read({"user": BOT, "text": "Kvittering"}, "C1", BOT) is None


def test_compare_names_every_difference_once() -> None:
    assert compare([SEEN, SEEN], [link()]) == []
    [gone] = compare([SEEN], [])
    assert "ikke længere" in gone.reason
    reasons = [p.reason for p in compare([SEEN], [link(text_sha256="d" * 64, link_sha256="e" * 64)])]
    assert len(reasons) == 2
    assert "anden tekst" in reasons[0]
    assert "kædehovedet" in reasons[1]
    [stripped] = compare([SEEN], [link(certificate=None)])
    assert "forseglet" in stripped.reason
    addition = Witness(3, KIND_ADDITION, 9, "a" * 64, "b" * 64, "")
    [missing] = compare([addition], [link()])
    assert "tilføjelse nr. 9" in missing.reason
