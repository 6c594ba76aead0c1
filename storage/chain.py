"""Tamper evidence: the hash chain over every approved text, per meeting and across the archive.

An approved referat is an official record: nobody may change it afterwards, not even with direct
access to the database file. Each approved text (and, later, each approved addition to it) becomes a
link that stores the text's SHA-256, the hash of the meeting's previous link and the hash of the
archive's previous link (in order of approval). Changing a text, a stored hash, or removing a link
therefore breaks the chain where it happened, and `referat verify` names the meeting.

Pure: the store appends links and reads them back; this module only hashes and compares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64  # the "previous link" of a chain's first link

KIND_REFERAT = "referat"
KIND_ADDITION = "tilføjelse"


def text_hash(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes: the hash stated in Slack and printed in the PDF."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(
    *,
    meeting_id: int,
    kind: str,
    source_id: int,
    text_sha256: str,
    previous_meeting: str,
    previous_archive: str,
) -> str:
    """The hash of one link: what it chains (meeting, kind, text hash) and the two links before it."""
    material = "\n".join(
        (
            "referat-chain-v1",
            str(meeting_id),
            kind,
            str(source_id),
            text_sha256,
            previous_meeting,
            previous_archive,
        )
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored link, as the store reads it back."""

    id: int  # the archive order
    meeting_id: int
    kind: str  # KIND_REFERAT or KIND_ADDITION
    source_id: int  # the meeting id for a referat, the addition's id for an addition
    text_sha256: str
    previous_meeting: str
    previous_archive: str
    link_sha256: str


@dataclass(frozen=True)
class ChainedText:
    """An approved text as its own table holds it now, with the hash stored beside it."""

    meeting_id: int
    kind: str
    source_id: int
    text: str
    stored_sha256: str


@dataclass(frozen=True)
class Problem:
    meeting_id: int
    reason: str  # Danish, for `referat verify`


def next_link(
    links: Iterable[Link], *, meeting_id: int, kind: str, source_id: int, text_sha256: str
) -> tuple[str, str, str]:
    """`(previous_meeting, previous_archive, link_sha256)` for a new link after `links` (in order)."""
    previous_archive = GENESIS
    previous_meeting = GENESIS
    for link in links:
        previous_archive = link.link_sha256
        if link.meeting_id == meeting_id:
            previous_meeting = link.link_sha256
    digest = link_hash(
        meeting_id=meeting_id,
        kind=kind,
        source_id=source_id,
        text_sha256=text_sha256,
        previous_meeting=previous_meeting,
        previous_archive=previous_archive,
    )
    return previous_meeting, previous_archive, digest


def _named(kind: str, source_id: int) -> str:
    """How a report names a chained text: `den godkendte tekst`, `tilføjelse nr. 3`."""
    return "den godkendte tekst" if kind == KIND_REFERAT else f"tilføjelse nr. {source_id}"


def verify(links: Iterable[Link], texts: Iterable[ChainedText]) -> list[Problem]:
    """Every way the stored texts and links disagree, in archive order; empty when all is whole.

    Recomputes each text's hash, each link's hash and both chains, and finds approved texts that no
    link covers (a link removed, or a text added behind the bot's back).
    """
    by_source: Mapping[tuple[str, int], ChainedText] = {(t.kind, t.source_id): t for t in texts}
    problems: list[Problem] = []
    covered: set[tuple[str, int]] = set()
    previous_archive = GENESIS
    previous_in: dict[int, str] = {}
    for link in links:
        what = _named(link.kind, link.source_id)
        key = (link.kind, link.source_id)
        covered.add(key)
        text = by_source.get(key)
        if text is None:
            problems.append(Problem(link.meeting_id, f"{what} findes ikke længere, men står i kæden"))
        else:
            actual = text_hash(text.text)
            if actual != link.text_sha256:
                problems.append(
                    Problem(link.meeting_id, f"{what} er ændret: dens SHA-256 stemmer ikke med kæden")
                )
            elif actual != text.stored_sha256:
                problems.append(Problem(link.meeting_id, f"den gemte SHA-256 for {what} er ændret"))
        expected_meeting = previous_in.get(link.meeting_id, GENESIS)
        if link.previous_meeting != expected_meeting or link.previous_archive != previous_archive:
            problems.append(
                Problem(link.meeting_id, f"kæden er brudt før {what} (et led er ændret eller fjernet)")
            )
        recomputed = link_hash(
            meeting_id=link.meeting_id,
            kind=link.kind,
            source_id=link.source_id,
            text_sha256=link.text_sha256,
            previous_meeting=link.previous_meeting,
            previous_archive=link.previous_archive,
        )
        if recomputed != link.link_sha256:
            problems.append(Problem(link.meeting_id, f"leddet for {what} er ændret"))
        # The next link must name this link's hash as stored: a rewritten link shows up there too.
        previous_archive = link.link_sha256
        previous_in[link.meeting_id] = link.link_sha256
    for key, text in by_source.items():
        if key not in covered:
            problems.append(
                Problem(text.meeting_id, f"{_named(text.kind, text.source_id)} står ikke i kæden")
            )
    return problems
