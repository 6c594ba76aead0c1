"""Votes: what `afstemning` reads, how the outcome is worked out, and the protocol's sentence. Plain calls."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.meeting.commands import RecordVote, VotePart
from bot.meeting.parse_votes import parse_vote
from bot.meeting.subcommands import CommandError, Subcommand
from bot.referat.votes import Outcome, outcome, vote_paragraph
from storage.records import Participant, Vote

NOW = dt.datetime(2024, 3, 19, 12, 0, tzinfo=dt.UTC)
SUB = Subcommand("afstemning", ("vote",), "/referat afstemning <punkt> <forslag> | for: … | imod: …", "", "")


def parsed(text: str) -> RecordVote:
    command = parse_vote(SUB, text, NOW)
    assert isinstance(command, RecordVote)
    return command


def test_a_vote_by_count() -> None:
    assert parsed("3 Forslag om cykelsti langs Storåen | for: 3 | imod: 1 | undlod: 1") == RecordVote(
        3, "Forslag om cykelsti langs Storåen", VotePart(3), VotePart(1), VotePart(1)
    )


def test_a_vote_by_name_mentions_and_names_with_og() -> None:
    vote = parsed("2 bænke på torvet | for: <@UANNE> <@UBO|bo>, Carl Dam | imod: Erik Juhl og Fie Bach")
    assert vote.in_favour == VotePart(None, ("UANNE", "UBO"), ("Carl Dam",))
    assert vote.against == VotePart(None, (), ("Erik Juhl", "Fie Bach"))
    assert vote.abstained is None


def test_sloppy_typing_labels_without_pipes_ingen_alle_and_a_stated_outcome() -> None:
    vote = parsed("pkt. 4 Budget for: alle imod: ingen")
    assert (vote.item_number, vote.proposal) == (4, "Budget")
    assert vote.in_favour.everyone
    assert vote.against == VotePart(0)
    stated = parsed("4 Budget | ja: 2 | nej 3 | resultat: Vedtaget")
    assert (stated.in_favour, stated.against, stated.stated) == (VotePart(2), VotePart(3), "vedtaget")
    assert parsed("4 Budget | for: 2 (Anne Krog, Erik Juhl) | imod: 0 | forkastet").stated == "forkastet"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("3 | for: 3 | imod: 1", "Skriv forslaget"),
        ("3 Cykelsti | for: 3", "imod: mangler"),
        ("3 Cykelsti | imod: 2", "for: mangler"),
        ("3 Cykelsti | for: 3 | imod: 1 | for: 2", "står to gange"),
        ("3 Cykelsti | for: 3 (Anne Krog) | imod: 1", "3 stemmer, men 1 navn"),
        ("3 Cykelsti | for: 3 | imod: 1 | måske: 2", "Forstår ikke"),
        ("3 Cykelsti | for: 3 | imod: 1 | resultat: udsat", "kendes ikke"),
        ("3 Cykelsti | for: 1000 | imod: 1", "ikke muligt"),
        ("3 Cykelsti | for: alle | imod: alle", "Kun én side"),
        ("x Cykelsti | for: 1 | imod: 1", "er ikke et punktnummer"),
    ],
)
def test_what_cannot_be_a_vote_is_refused_with_the_usage(text: str, fragment: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_vote(SUB, text, NOW)
    assert fragment in caught.value.message
    assert "Brug: /referat afstemning" in caught.value.message


@pytest.mark.parametrize(
    ("vote", "expected"),
    [
        (Vote(3, 1, 1), Outcome.ADOPTED),
        (Vote(1, 3), Outcome.REJECTED),
        (Vote(2, 2, 1), Outcome.TIED),  # abstentions are not votes cast
        (Vote(0, 0, 5), Outcome.TIED),
        (Vote(2, 2, stated="vedtaget"), Outcome.ADOPTED),  # the chair's casting vote, stated
        (Vote(4, 3, stated="forkastet"), Outcome.REJECTED),  # a qualified majority not reached
    ],
)
def test_simple_majority_of_votes_cast_unless_stated(vote: Vote, expected: Outcome) -> None:
    assert outcome(vote) is expected


ANNE = Participant(1, 1, "Anne Krog", "Formand", None, False, "UANNE")
ERIK = Participant(2, 1, "Erik Juhl", "Medlem", None, False, "UERIK")
FIE = Participant(3, 1, "Fie Bach", "Medlem", None, False)
BY_ID = {p.id: p for p in (ANNE, ERIK, FIE)}


def test_the_protocol_sentence_names_the_voters_and_the_outcome() -> None:
    vote = Vote(1, 1, 1, (1,), (2,), (3,))
    assert vote_paragraph("Forslag om cykelsti langs Storåen", vote, BY_ID) == (
        "Afstemning om forslag om cykelsti langs Storåen: For stemte 1 (Formand Anne Krog), imod stemte 1 "
        "(Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach). Forslaget bortfaldt ved stemmelighed."
    )
    assert vote_paragraph("bænke på torvet.", Vote(3, 0), BY_ID) == (
        "Afstemning om bænke på torvet: For stemte 3, imod stemte ingen. Forslaget blev vedtaget."
    )
