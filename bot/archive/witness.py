"""Slack as witness of each approval: what the bot states in the thread, and what `verify` reads back.

A chain and a seal in the database prove nothing about what is missing: whoever deletes the last
approval (its link and its approved text) and reopens the meeting leaves a shorter archive that is
whole. So on every approval, and every approved addition, the bot states in the referat's thread
the approved text's SHA-256 and the archive's chain head (the newest link's hash), as a message
anyone in the channel can read and as message metadata `referat verify` can read back. An approval
Slack saw that the database no longer holds, holds with another text, or a chain head Slack saw that
the chain no longer contains, is then found.

Pure: the statement's wording and metadata, reading one message back, comparing with the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storage.chain import KIND_ADDITION, KIND_REFERAT, Link, Problem

EVENT_TYPE = "referat_witness"


@dataclass(frozen=True)
class Witness:
    """One approval as the bot stated it in Slack."""

    meeting_id: int
    kind: str  # storage.chain.KIND_REFERAT or KIND_ADDITION
    source_id: int  # the meeting id for a referat, the addition's id for an addition
    text_sha256: str
    chain_head: str  # the archive's newest link when the bot stated it
    sealed_by: str  # the fingerprint of the seal's certificate that signed the link, or ""
    channel_id: str = ""
    ts: str = ""


def statement(witness: Witness) -> tuple[str, dict[str, Any]]:
    """The thread message's text and its metadata (Slack's `metadata` argument)."""
    what = "referatet" if witness.kind == KIND_REFERAT else f"tilføjelse nr. {witness.source_id}"
    sealed = " Leddet er forseglet med organisationens segl." if witness.sealed_by else ""
    text = (
        f"Kvittering for godkendelsen af {what}: SHA-256 af teksten {witness.text_sha256}; "
        f"arkivets kædehoved {witness.chain_head}.{sealed} "
        "Beskeden bevarer godkendelsen uden for databasen; `referat verify` læser den igen."
    )
    payload = {
        "meeting_id": witness.meeting_id,
        "kind": witness.kind,
        "source_id": witness.source_id,
        "text_sha256": witness.text_sha256,
        "chain_head": witness.chain_head,
        "sealed_by": witness.sealed_by,
    }
    return text, {"event_type": EVENT_TYPE, "event_payload": payload}


def read(message: Mapping[str, Any], channel_id: str, bot_user_id: str) -> Witness | None:
    """The witness in a message from conversations.history/replies; None for any other message.

    Only the bot's own messages count: a person cannot post metadata as the bot.
    """
    if message.get("user") != bot_user_id:
        return None
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    if not isinstance(payload, Mapping):
        return None
    try:
        kind = str(payload["kind"])
        if kind not in (KIND_REFERAT, KIND_ADDITION):
            return None
        return Witness(
            meeting_id=int(payload["meeting_id"]),
            kind=kind,
            source_id=int(payload["source_id"]),
            text_sha256=str(payload["text_sha256"]),
            chain_head=str(payload["chain_head"]),
            sealed_by=str(payload.get("sealed_by") or ""),
            channel_id=channel_id,
            ts=str(message.get("ts") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def compare(witnesses: Iterable[Witness], links: Iterable[Link]) -> list[Problem]:
    """Every approval Slack saw that the chain no longer holds, or holds differently."""
    chain = list(links)
    by_source = {(link.kind, link.source_id): link for link in chain}
    hashes = {link.link_sha256 for link in chain}
    problems: list[Problem] = []
    seen: set[tuple[str, int, str]] = set()
    for witness in witnesses:
        key = (witness.kind, witness.source_id, witness.chain_head)
        if key in seen:
            continue  # a statement posted twice (a retried finish) is one witness
        seen.add(key)
        what = (
            "godkendelsen"
            if witness.kind == KIND_REFERAT
            else f"godkendelsen af tilføjelse nr. {witness.source_id}"
        )
        link = by_source.get((witness.kind, witness.source_id))
        if link is None:
            problems.append(
                Problem(
                    witness.meeting_id,
                    f"Slack så {what} (SHA-256 {witness.text_sha256[:16]}…), men arkivet har den ikke længere",
                )
            )
            continue
        if link.text_sha256 != witness.text_sha256:
            problems.append(
                Problem(
                    witness.meeting_id,
                    f"Slack så {what} med en anden tekst (SHA-256 {witness.text_sha256[:16]}…) end arkivet har",
                )
            )
        if witness.chain_head not in hashes:
            problems.append(
                Problem(
                    witness.meeting_id,
                    f"kædehovedet Slack så ved {what} ({witness.chain_head[:16]}…) findes ikke i arkivets kæde: "
                    "kæden er skrevet om eller afkortet siden",
                )
            )
        if witness.sealed_by and link.certificate_sha256 != witness.sealed_by:
            problems.append(
                Problem(witness.meeting_id, f"Slack så {what} forseglet, men arkivets led har ikke det segl")
            )
    return problems
