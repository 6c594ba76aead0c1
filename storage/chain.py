"""Tamper evidence: the hash chain over every approved text, per meeting and across the archive.

An approved referat is an official record: nobody may change it afterwards, not even with direct
access to the database file. Each approved text (and, later, each approved addition to it) becomes a
link that stores the text's SHA-256, the hash of the meeting's previous link and the hash of the
archive's previous link (in order of approval). Changing a text, a stored hash, or removing a link
therefore breaks the chain where it happened, and `referat verify` names the meeting.

Links made since the organisation's seal (storage.seal) also carry the SHA-256 of everything a
reader sees of the approved text (storage.covered) inside the link's hash, and a signature of the
link's hash by the seal: a chain recomputed without the seal's key no longer verifies.

Pure: the store appends links and reads them back; this module only hashes, checks signatures and
compares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography import x509

from storage.seal import signature_holds

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
    covered_sha256: str | None = None,
) -> str:
    """The hash of one link: what it chains (meeting, kind, text hash, and since the seal the digest
    of everything a reader sees) and the two links before it."""
    fields = [str(meeting_id), kind, str(source_id), text_sha256, previous_meeting, previous_archive]
    if covered_sha256 is None:
        material = "\n".join(("referat-chain-v1", *fields))
    else:
        material = "\n".join(("referat-chain-v2", *fields, covered_sha256))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def signed_bytes(link_sha256: str) -> bytes:
    """What the seal signs for a link: its hash, which covers the links before it too."""
    return f"referat-seal-v1\n{link_sha256}".encode()


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
    covered_sha256: str | None = None  # links from before the seal's migration have none
    signature: str | None = None  # hex, by the seal, over `signed_bytes(link_sha256)`
    certificate_sha256: str | None = None  # the fingerprint of the certificate it was signed with


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


def verify(
    links: Iterable[Link],
    texts: Iterable[ChainedText],
    covered: Mapping[tuple[str, int], str | None] | None = None,
    purged: frozenset[int] = frozenset(),
) -> list[Problem]:
    """Every way the stored texts and links disagree, in archive order; empty when all is whole.

    Recomputes each text's hash, each link's hash and both chains, and finds approved texts that no
    link covers (a link removed, or a text added behind the bot's back). `covered`: the digest of
    what a reader sees of each text now (storage.covered), compared with the one a link stored.
    `purged`: meetings deleted by `referat purge`, whose links stand without their texts.
    """
    covered = covered or {}
    by_source: Mapping[tuple[str, int], ChainedText] = {(t.kind, t.source_id): t for t in texts}
    problems: list[Problem] = []
    linked: set[tuple[str, int]] = set()
    previous_archive = GENESIS
    previous_in: dict[int, str] = {}
    for link in links:
        what = _named(link.kind, link.source_id)
        key = (link.kind, link.source_id)
        linked.add(key)
        text = by_source.get(key)
        if text is None:
            if link.meeting_id not in purged:
                problems.append(Problem(link.meeting_id, f"{what} findes ikke længere, men står i kæden"))
        else:
            actual = text_hash(text.text)
            if actual != link.text_sha256:
                problems.append(
                    Problem(link.meeting_id, f"{what} er ændret: dens SHA-256 stemmer ikke med kæden")
                )
            elif actual != text.stored_sha256:
                problems.append(Problem(link.meeting_id, f"den gemte SHA-256 for {what} er ændret"))
            elif link.covered_sha256 is not None and covered.get(key) != link.covered_sha256:
                problems.append(
                    Problem(
                        link.meeting_id,
                        f"det læseren ser af {what} (godkendelseslinje, godkendere og tidspunkter, "
                        "forbehold, punkter eller deltagere) er ændret",
                    )
                )
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
            covered_sha256=link.covered_sha256,
        )
        if recomputed != link.link_sha256:
            problems.append(Problem(link.meeting_id, f"leddet for {what} er ændret"))
        # The next link must name this link's hash as stored: a rewritten link shows up there too.
        previous_archive = link.link_sha256
        previous_in[link.meeting_id] = link.link_sha256
    for key, text in by_source.items():
        if key not in linked:
            problems.append(
                Problem(text.meeting_id, f"{_named(text.kind, text.source_id)} står ikke i kæden")
            )
    return problems


@dataclass(frozen=True)
class SealCheck:
    """What checking the links' signatures found."""

    problems: list[Problem]
    signed: int  # links whose signature holds under a trusted certificate
    unsealed: int  # links from before the seal was taken into use (no signature, nothing signed before)


def verify_seals(links: Iterable[Link], trusted: Mapping[str, x509.Certificate]) -> SealCheck:
    """Check each link's signature against the trusted certificate it names.

    A link without a signature counts as from before the seal only while no earlier link was
    signed: once the archive is sealed, an unsigned link means one was made or rewritten without
    the key.
    """
    problems: list[Problem] = []
    signed = unsealed = 0
    sealed_since = False
    for link in links:
        what = _named(link.kind, link.source_id)
        if not link.signature:
            if sealed_since:
                problems.append(Problem(link.meeting_id, f"leddet for {what} er ikke forseglet med seglet"))
            else:
                unsealed += 1
            continue
        sealed_since = True
        certificate = trusted.get(link.certificate_sha256 or "")
        if certificate is None:
            problems.append(
                Problem(
                    link.meeting_id,
                    f"leddet for {what} er forseglet med et ukendt certifikat "
                    f"(SHA-256 {(link.certificate_sha256 or '')[:16]}…)",
                )
            )
            continue
        try:
            signature = bytes.fromhex(link.signature)
        except ValueError:
            signature = b""
        if not signature_holds(certificate, signed_bytes(link.link_sha256), signature):
            problems.append(Problem(link.meeting_id, f"seglet på leddet for {what} passer ikke"))
            continue
        signed += 1
    return SealCheck(problems, signed, unsealed)
