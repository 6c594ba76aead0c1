"""How a vote went, and the protocol's sentence for it.

`Afstemning om forslag om cykelsti langs Storåen: For stemte 3 (Formand Anne Krog, …), imod stemte
1 (Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach). Forslaget blev vedtaget.`

The outcome is simple majority of the votes cast (abstentions are not cast votes): more for than
against adopts, more against rejects, and a tie lets the proposal lapse. An outcome the
minute-taker states (a qualified majority, the chair's casting vote) is written instead.

Pure: the sentence is made from the vote and the participant list as it stands, so a corrected
title shows in the next draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.text.danish import and_list
from bot.text.people import in_sentence
from storage.records import Participant, Vote


class Outcome(StrEnum):
    ADOPTED = "vedtaget"
    REJECTED = "forkastet"
    LAPSED = "bortfaldt"  # stated by the minute-taker (e.g. withdrawn)
    TIED = "stemmelighed"


# The words a minute-taker may state the outcome with, and what they mean.
STATED_WORDS: Mapping[str, Outcome] = {
    "vedtaget": Outcome.ADOPTED,
    "vedtages": Outcome.ADOPTED,
    "godkendt": Outcome.ADOPTED,
    "adopted": Outcome.ADOPTED,
    "carried": Outcome.ADOPTED,
    "forkastet": Outcome.REJECTED,
    "nedstemt": Outcome.REJECTED,
    "rejected": Outcome.REJECTED,
    "bortfaldt": Outcome.LAPSED,
    "lapsed": Outcome.LAPSED,
}

_OUTCOME_SENTENCE = {
    Outcome.ADOPTED: "Forslaget blev vedtaget.",
    Outcome.REJECTED: "Forslaget blev forkastet.",
    Outcome.LAPSED: "Forslaget bortfaldt.",
    Outcome.TIED: "Forslaget bortfaldt ved stemmelighed.",
}


def outcome(vote: Vote) -> Outcome:
    """The stated outcome, else simple majority of the votes cast; a tie lapses."""
    if vote.stated:
        stated = STATED_WORDS.get(vote.stated.casefold())
        if stated is not None:
            return stated
    if vote.in_favour > vote.against:
        return Outcome.ADOPTED
    if vote.against > vote.in_favour:
        return Outcome.REJECTED
    return Outcome.TIED


def outcome_sentence(vote: Vote) -> str:
    return _OUTCOME_SENTENCE[outcome(vote)]


def adopted(vote: Vote) -> bool:
    return outcome(vote) is Outcome.ADOPTED


def proposal_phrase(proposal: str) -> str:
    """The proposal after `Afstemning om`: `Forslag om …` is lower-cased, anything else kept as typed."""
    text = proposal.strip().rstrip(".:;").strip()
    if text[:7].casefold() == "forslag":
        return text[0].lower() + text[1:]
    return text


def _voters(ids: tuple[int, ...], by_id: Mapping[int, Participant]) -> str:
    names = [in_sentence(by_id[i].name, by_id[i].title) for i in ids if i in by_id]
    return f" ({and_list(names)})" if names else ""


def _count(n: int) -> str:
    return str(n) if n else "ingen"


def vote_paragraph(proposal: str, vote: Vote, participants: Mapping[int, Participant]) -> str:
    """The protocol's sentence for a vote; `participants` by id names the voters who were named."""
    parts = [
        f"For stemte {_count(vote.in_favour)}{_voters(vote.in_favour_ids, participants)}",
        f"imod stemte {_count(vote.against)}{_voters(vote.against_ids, participants)}",
    ]
    if vote.abstained:
        parts.append(f"{vote.abstained} undlod at stemme{_voters(vote.abstained_ids, participants)}")
    return f"Afstemning om {proposal_phrase(proposal)}: {', '.join(parts)}. {outcome_sentence(vote)}"


def how_voted(vote: Vote, participant_id: int) -> str | None:
    """`for`, `imod`, `undlod at stemme` for a named voter; None when not named in the vote."""
    if participant_id in vote.in_favour_ids:
        return "for"
    if participant_id in vote.against_ids:
        return "imod"
    if participant_id in vote.abstained_ids:
        return "undlod at stemme"
    return None
