"""`referat verify`: check that no approved text in the archive has changed since it was approved.

The store keeps a hash chain over every approved text (storage.chain); this module recomputes it and
says, in Danish, either how much it checked or which meetings (title, date, id) do not match.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text.dates import format_short
from storage import chain
from storage.store import Store


@dataclass(frozen=True)
class Verification:
    links: int  # links checked
    meetings: int  # meetings with at least one approved text
    additions: int  # approved additions among the links
    problems: tuple[str, ...]  # one Danish line per finding, naming the meeting

    @property
    def whole(self) -> bool:
        return not self.problems


def verify_archive(store: Store) -> Verification:
    links = store.chain_links()
    texts = store.chained_texts()
    problems = []
    for problem in chain.verify(links, texts):
        meeting = store.meeting(problem.meeting_id)
        who = (
            f"{meeting.title} ({format_short(meeting.date)}, id {meeting.id})"
            if meeting is not None
            else f"møde id {problem.meeting_id} (findes ikke længere)"
        )
        problems.append(f"{who}: {problem.reason}.")
    return Verification(
        links=len(links),
        meetings=len({t.meeting_id for t in texts} | {link.meeting_id for link in links}),
        additions=sum(1 for link in links if link.kind == chain.KIND_ADDITION),
        problems=tuple(problems),
    )


def report(result: Verification) -> str:
    """What `referat verify` prints."""
    if result.whole:
        if not result.links:
            return "Der er ingen godkendte referater at kontrollere endnu."
        added = f" og {result.additions} tilføjelser" if result.additions else ""
        return (
            f"Alt stemmer: {result.links - result.additions} godkendte referater{added} "
            f"i {result.meetings} møder er uændrede, og kæden er hel ({result.links} led)."
        )
    lines = [f"{len(result.problems)} fejl i arkivets kæde af godkendte tekster:"]
    lines += [f"- {problem}" for problem in result.problems]
    lines.append("De nævnte referater er ændret uden om botten eller har mistet deres led i kæden.")
    return "\n".join(lines)
