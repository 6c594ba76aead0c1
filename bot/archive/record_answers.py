"""Questions the council's record answers: how someone voted, whether a proposal was adopted, who
took part in an item.

"hvordan stemte Erik Juhl om cykelstien?", "blev forslaget om bænke vedtaget?" and "hvem deltog i
behandlingen af punkt 3?" are answered from the votes and the attendance entries (arrivals,
departures, inhabilitet, absence), leading with the fact and citing meeting and item after it, as
the archive's other facts are. `record_ask` recognises them; the search for the votes and the
meeting is bot.archive.ask's, which keeps everything inside what the reader may read.

Pure: plain data in, an `Answer` out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.archive.answer import Answer
from bot.archive.facts import MeetingFacts, cite
from bot.archive.question import Question
from bot.referat.votes import Outcome, how_voted, outcome, proposal_phrase, vote_paragraph
from bot.text.danish import and_list
from bot.text.people import in_sentence
from storage.records import Participant, Vote

RecordAsk = Literal["how_voted", "vote_outcome", "took_part"]

_HOW_VOTED = re.compile(
    r"\bhvordan\s+(?:stemte|har\s+\S+(?:\s+\S+)?\s+stemt)\b|\bhow\s+did\b.*\bvote\b|\bhow\b.*\bvoted\b",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(?:blev|var|er)\b.*\b(?:vedtaget|forkastet|nedstemt|stemt\s+igennem)\b"
    r"|\b(?:was|were)\b.*\b(?:adopted|carried|passed|rejected|voted\s+down)\b",
    re.IGNORECASE,
)
_TOOK_PART = re.compile(
    r"\b(?:deltog|took\s+part|participated|attended|were\s+present|var\s+til\s+stede)\b", re.I
)
# Words of the question that ask about a vote rather than name its subject.
VOTE_WORDS = frozenset(
    {
        "stemte", "stemt", "stemme", "stemmer", "afstemning", "afstemningen", "forslag", "forslaget",
        "vedtaget", "forkastet", "nedstemt", "igennem", "vote", "voted", "voting", "proposal", "motion",
        "adopted", "rejected", "carried", "passed", "down",
    }
)  # fmt: skip
SHOWN = 3  # votes shown in one answer, newest first


def record_ask(question: Question, text: str) -> RecordAsk | None:
    """Which record question `text` is, if any."""
    if question.item_number is not None and (question.fact == "attendance" or _TOOK_PART.search(text)):
        return "took_part"
    if question.speaker is not None and _HOW_VOTED.search(text):
        return "how_voted"
    if _OUTCOME.search(text):
        return "vote_outcome"
    return None


def vote_topic(question: Question) -> tuple[str, ...]:
    """The question's topic terms without the words that only ask about voting."""
    return tuple(t for t in question.topic_terms if t.casefold() not in VOTE_WORDS)


@dataclass(frozen=True)
class FoundVote:
    """A vote found for a question, with what its answer names."""

    meeting: MeetingFacts
    item: str  # `Ad 3 – Cykelsti langs Storåen`
    proposal: str
    vote: Vote
    people: Mapping[int, Participant]  # the meeting's participants by id
    absent_reason: Mapping[int, str]  # why a participant took no part in the item


_L = {
    "da": {
        "for": "stemte for",
        "imod": "stemte imod",
        "undlod at stemme": "undlod at stemme om",
        "count_only": "Afstemningen er ført til referat med antal stemmer, ikke navne",
        "not_voting": "deltog ikke i afstemningen",
        "no_votes": "Jeg fandt ingen afstemning{what} i de referater, du kan læse.",
        "no_vote_by": "Jeg fandt ingen afstemning{what}, hvor {who} er ført til referat med navn.",
        "took_part": "Deltog i behandlingen af {item} ({n})",
        "not_taking_part": "Deltog ikke",
        "nobody": "ingen",
    },
    "en": {
        "for": "voted for",
        "imod": "voted against",
        "undlod at stemme": "abstained on",
        "count_only": "The vote is recorded by numbers, not names",
        "not_voting": "took no part in the vote",
        "no_votes": "I found no vote{what} in the minutes you can read.",
        "no_vote_by": "I found no vote{what} that records {who} by name.",
        "took_part": "Took part in {item} ({n})",
        "not_taking_part": "Did not take part",
        "nobody": "nobody",
    },
}
_LEAD = {
    "da": {
        Outcome.ADOPTED: "Ja, vedtaget.",
        Outcome.REJECTED: "Nej, forkastet.",
        Outcome.TIED: "Nej, bortfaldt ved stemmelighed.",
        Outcome.LAPSED: "Nej, bortfaldt.",
    },
    "en": {
        Outcome.ADOPTED: "Yes, adopted.",
        Outcome.REJECTED: "No, rejected.",
        Outcome.TIED: "No, it lapsed on a tie.",
        Outcome.LAPSED: "No, it lapsed.",
    },
}


def _answer(lines: list[str], question: Question, meetings: Sequence[int], total: int) -> Answer:
    return Answer(
        text="\n".join(lines),
        lines=tuple(lines),
        lang=question.lang,
        meeting_ids=tuple(dict.fromkeys(meetings)),
        total=total,
        page=1,
        pages=1,
    )


def _what(question: Question) -> str:
    topic = " ".join(vote_topic(question))
    if not topic:
        return ""
    return f" om «{topic}»" if question.lang == "da" else f" on «{topic}»"


def _label(p: Participant) -> str:
    return in_sentence(p.name, p.title)


def format_how_voted(
    question: Question, names: Sequence[str], found: Sequence[FoundVote], links: Mapping[int, str]
) -> Answer:
    """How each named person voted in the votes found, newest first, fact first."""
    labels = _L[question.lang]
    lines: list[str] = []
    shown: list[int] = []
    for vote in found[:SHOWN]:
        people = [p for p in vote.people.values() if p.name in names]
        said: list[str] = []
        for person in people:
            side = how_voted(vote.vote, person.id)
            reason = vote.absent_reason.get(person.id)
            if side is not None:
                said.append(f"*{_label(person)}* {labels[side]} {proposal_phrase(vote.proposal)}.")
            elif reason is not None:
                said.append(f"*{_label(person)}* {labels['not_voting']} ({reason}).")
        if not said and not vote.vote.voter_ids:
            said.append(f"{labels['count_only']}.")
        if not said:
            continue
        if lines:
            lines.append("")
        lines += said
        lines.append(vote_paragraph(vote.proposal, vote.vote, vote.people))
        lines.append(cite(vote.meeting, question.lang, links, item=vote.item))
        shown.append(vote.meeting.meeting_id)
    if not lines:
        who = and_list(list(names), "og" if question.lang == "da" else "and")
        key = "no_vote_by" if found else "no_votes"
        return _answer([labels[key].format(what=_what(question), who=who)], question, (), 0)
    return _answer(lines, question, shown, len(found))


def format_vote_outcome(question: Question, found: Sequence[FoundVote], links: Mapping[int, str]) -> Answer:
    """Whether each vote found adopted its proposal, newest first: the outcome, then the record's sentence."""
    if not found:
        return _answer([_L[question.lang]["no_votes"].format(what=_what(question))], question, (), 0)
    lines: list[str] = []
    for vote in found[:SHOWN]:
        if lines:
            lines.append("")
        lines.append(f"*{_LEAD[question.lang][outcome(vote.vote)]}*")
        lines.append(vote_paragraph(vote.proposal, vote.vote, vote.people))
        lines.append(cite(vote.meeting, question.lang, links, item=vote.item))
    return _answer(lines, question, [v.meeting.meeting_id for v in found[:SHOWN]], len(found))


def format_took_part(
    question: Question,
    meeting: MeetingFacts,
    item: str,
    took: Sequence[Participant],
    missing: Sequence[tuple[Participant, str]],
    links: Mapping[int, str],
) -> Answer:
    """Who took part in an item, then who on the participant list did not and why."""
    labels = _L[question.lang]
    names = ", ".join(_label(p) for p in took) or labels["nobody"]
    lines = [f"*{labels['took_part'].format(item=item, n=len(took))}:* {names}"]
    if missing:
        lines.append(
            f"*{labels['not_taking_part']}:* " + "; ".join(f"{_label(p)} ({why})" for p, why in missing)
        )
    lines.append(cite(meeting, question.lang, links))
    return _answer(lines, question, [meeting.meeting_id], 1)
