"""`referat verify`: check that no approved text in the archive has changed since it was approved.

The store keeps a hash chain over every approved text (storage.chain); this module recomputes it,
checks each link's seal against the certificates the operator trusts (storage.seal), and says, in
Danish, either how much it checked or which meetings (title, date, id) do not match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cryptography import x509

from bot.archive.witness import Witness, compare
from bot.text.danish import agreeing, counted
from bot.text.dates import format_short
from storage import chain
from storage.seal import trusted
from storage.store import Store


@dataclass(frozen=True)
class Verification:
    links: int  # links checked
    meetings: int  # meetings with at least one approved text
    additions: int  # approved additions among the links
    problems: tuple[str, ...]  # one Danish line per finding, naming the meeting
    sealed: int = 0  # links whose seal holds
    unsealed: int = 0  # links from before the seal
    seals_checked: bool = False  # False: no certificate configured, signatures not checked
    witnessed: int | None = None  # approvals the bot stated in Slack, compared; None: Slack not read
    witness_error: str | None = None  # why Slack could not be read back
    purged: int = 0  # links whose meeting `referat purge` deleted: checked as links, without texts

    @property
    def whole(self) -> bool:
        return not self.problems and self.witness_error is None


def verify_archive(store: Store, certificates: Sequence[x509.Certificate] = ()) -> Verification:
    """Check the chain, and with `certificates` (the seal's and earlier seals') every link's seal."""
    links = store.chain_links()
    texts = store.chained_texts()
    purged = store.purged_meetings()
    found = chain.verify(links, texts, store.covered_now(links), purged) + _remembered(store)
    seals = chain.verify_seals(links, trusted(certificates)) if certificates else None
    if seals is not None:
        found += seals.problems
    return Verification(
        links=len(links),
        meetings=len({t.meeting_id for t in texts} | {link.meeting_id for link in links}),
        additions=sum(1 for link in links if link.kind == chain.KIND_ADDITION),
        problems=tuple(named(store, p.meeting_id, p.reason) for p in found),
        sealed=seals.signed if seals is not None else 0,
        unsealed=seals.unsealed if seals is not None else 0,
        seals_checked=seals is not None,
        purged=sum(1 for link in links if link.meeting_id in purged),
    )


def _remembered(store: Store) -> list[chain.Problem]:
    """Approvals the audit trail records that the chain no longer holds (a deleted approval whose
    trail was left behind; one deleted with its trail is found by Slack's receipts)."""
    found = []
    for meeting_id, kind, source_id, digest in store.approvals_the_trail_remembers():
        what = "godkendelsen" if kind == chain.KIND_REFERAT else f"godkendelsen af tilføjelse nr. {source_id}"
        found.append(
            chain.Problem(
                meeting_id,
                f"revisionssporet viser {what} (SHA-256 {digest[:16]}…), men kæden har den ikke længere",
            )
        )
    return found


def with_witnesses(store: Store, result: Verification, seen: Sequence[Witness]) -> Verification:
    """`result` with what Slack saw compared with the chain (bot.archive.witness)."""
    problems = tuple(named(store, p.meeting_id, p.reason) for p in compare(seen, store.chain_links()))
    return replace(
        result, problems=result.problems + problems, witnessed=len({(w.kind, w.source_id) for w in seen})
    )


def named(store: Store, meeting_id: int, reason: str) -> str:
    """One finding as a line naming its meeting by title, date and id."""
    meeting = store.meeting(meeting_id)
    # With several workspaces in the archive, a finding names the meeting's workspace too.
    where = (
        f", {meeting.team_id}"
        if meeting is not None and meeting.team_id and len(store.workspaces()) > 1
        else ""
    )
    who = (
        f"{meeting.title} ({format_short(meeting.date)}, id {meeting.id}{where})"
        if meeting is not None
        else f"møde id {meeting_id} (findes ikke længere)"
    )
    return f"{who}: {reason}."


def report(result: Verification) -> str:
    """What `referat verify` prints."""
    if result.whole:
        if not result.links:
            return "Der er ingen godkendte referater at kontrollere endnu. " + witness_note(result)
        texts = result.links - result.additions
        added = f" og {counted(result.additions, 'tilføjelse')}" if result.additions else ""
        return (
            f"Alt stemmer: {counted(texts, 'referat', 'godkendt')}{added} i {counted(result.meetings, 'møde')} "
            f"er {agreeing(result.links, 'uændret')}, og kæden er hel ({counted(result.links, 'led')}). "
            + seal_note(result)
            + " "
            + witness_note(result)
            + purge_note(result)
        )
    lines: list[str] = []
    if result.problems:
        lines.append(f"{counted(len(result.problems), 'fejl')} i arkivets kæde af godkendte tekster:")
        lines += [f"- {problem}" for problem in result.problems]
        lines.append("De nævnte referater er ændret uden om botten eller har mistet deres led i kæden.")
    if result.witness_error is not None:
        lines.append(
            f"Slack kunne ikke læses som vidne ({result.witness_error}), så den del af kontrollen er ikke "
            "gennemført. Prøv igen, eller kør uden SLACK_BOT_TOKEN for kun at kontrollere databasen."
        )
    return "\n".join(lines)


def purge_note(result: Verification) -> str:
    """Links standing without their texts because an operator purged a workspace's minutes."""
    if not result.purged:
        return ""
    return (
        f" {result.purged} af leddene står uden tekst, fordi deres møder er slettet med referat purge "
        "efter opbevaringsperioden; leddene selv er kontrolleret."
    )


def seal_note(result: Verification) -> str:
    """What the check of the seals covered, in one sentence."""
    if not result.seals_checked:
        return (
            "Seglet blev ikke kontrolleret: sæt REFERAT_SEAL_CERT (og REFERAT_SEAL_PREVIOUS_CERTS for "
            "tidligere segl) for at kontrollere signaturerne."
        )
    before = f" {result.unsealed} led er fra før seglet og kun beskyttet af kæden." if result.unsealed else ""
    return f"Seglet holder på {result.sealed} led.{before}"


def witness_note(result: Verification) -> str:
    """What the comparison with Slack covered, in one sentence."""
    if result.witnessed is None:
        return "Slack som vidne blev sprunget over (ingen SLACK_BOT_TOKEN)."
    return (
        f"Slack som vidne: {counted(result.witnessed, 'godkendelse')}, som botten kvitterede for i Slack, "
        "stemmer med arkivet."
    )
