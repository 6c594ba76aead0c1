"""Votes and arrivals/departures read from imported minutes, in the forms minutes write them. Plain calls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.importing.imported import ImportedEntry, ImportedParticipant
from bot.importing.parse import parse_referat
from bot.importing.record import read_record
from bot.importing.run import store_imported
from bot.referat.compile import referat_text
from storage.records import EntryKind, Vote
from storage.store import StoreOpener

PEOPLE = tuple(
    ImportedParticipant(name, title, None, False, None, None)
    for name, title in (
        ("Anne Krog", "Formand"),
        ("Erik Juhl", "Medlem"),
        ("Fie Bach", "Medlem"),
        ("Bo Lund", "Medlem"),
    )
)


def said(text: str, item: int = 3) -> ImportedEntry:
    return ImportedEntry(item, EntryKind.STATEMENT, text, None)


@pytest.mark.parametrize(
    ("text", "vote", "voters"),
    [
        (
            "Afstemning om forslag om cykelsti: For stemte 2 (Formand Anne Krog og Medlem Bo Lund), imod stemte 1 "
            "(Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach).",
            Vote(2, 1, 1),
            (("Anne Krog", "Bo Lund"), ("Erik Juhl",), ("Fie Bach",)),
        ),
        ("Afstemning om budgettet: For: 5, imod: 2, undlod: 1.", Vote(5, 2, 1), ((), (), ())),
        (
            "Afstemning om bænke: For stemte: Anne Krog og Bo Lund. Imod stemte: Erik Juhl.",
            Vote(2, 1),
            (("Anne Krog", "Bo Lund"), ("Erik Juhl",), ()),
        ),
        (
            "Afstemning om budgettet: For stemte 2, imod stemte 2. Forslaget bortfaldt ved stemmelighed.",
            Vote(2, 2),
            ((), (), ()),
        ),
    ],
)
def test_votes_in_common_forms(text: str, vote: Vote, voters: tuple[tuple[str, ...], ...]) -> None:
    (entry,) = read_record([said(text)], PEOPLE)
    assert entry.kind is EntryKind.VOTE
    assert entry.vote == vote
    assert entry.voters == voters


def test_a_vote_with_its_counts_in_a_sentence_and_a_stated_outcome() -> None:
    (entry,) = read_record([said("Forslaget om skolelukning blev vedtaget med 5 stemmer mod 2.")], PEOPLE)
    assert (entry.kind, entry.text, entry.vote) == (EntryKind.VOTE, "Forslaget om skolelukning", Vote(5, 2))
    (qualified,) = read_record(
        [said("Forslaget om salg blev forkastet med 5 stemmer for og 4 imod.")], PEOPLE
    )
    assert qualified.vote == Vote(5, 4, stated="forkastet")  # a qualified majority not reached


def test_the_outcome_sentence_after_a_vote_is_the_votes_not_a_decision() -> None:
    entries = [
        said("Afstemning om bænke: For stemte 3, imod stemte 1."),
        ImportedEntry(3, EntryKind.DECISION, "Forslaget blev vedtaget.", None),
    ]
    (vote,) = read_record(entries, PEOPLE)
    assert vote.vote == Vote(3, 1)
    other = [
        said("Afstemning om bænke: For stemte 3, imod stemte 1."),
        ImportedEntry(3, EntryKind.DECISION, "Der var enighed om at gå videre.", None),
    ]
    assert [e.kind for e in read_record(other, PEOPLE)] == [EntryKind.VOTE, EntryKind.DECISION]


@pytest.mark.parametrize(
    ("text", "kind", "item", "who"),
    [
        ("Medlem Bo Lund deltog fra punkt 2.", EntryKind.ARRIVED, 2, "Bo Lund"),
        ("Anne Krog ankom under behandlingen af punkt 3", EntryKind.ARRIVED, 3, "Anne Krog"),
        ("Medlem Fie Bach forlod mødet under punkt 4.", EntryKind.LEFT, 4, "Fie Bach"),
        ("Erik Juhl forlod mødet efter pkt. 4.", EntryKind.LEFT, 5, "Erik Juhl"),
    ],
)
def test_arrivals_and_departures(text: str, kind: EntryKind, item: int, who: str) -> None:
    (entry,) = read_record([said(text, 0)], PEOPLE)
    assert (entry.kind, entry.item_number, entry.speaker) == (kind, item, who)


@pytest.mark.parametrize(
    "text",
    [
        "Afstemning om bænke: For stemte 3 (Anne Krog), imod stemte 1.",  # count and names disagree
        "Afstemning om bænke: For stemte 2 (Anne Krog og Ole Hansen), imod stemte 1.",  # not on the list
        "Afstemning om bænke blev udsat.",
        "Ole Hansen deltog fra punkt 2.",
        "Der blev stemt for og imod i lang tid.",
    ],
)
def test_what_does_not_read_cleanly_stays_a_statement(text: str) -> None:
    assert read_record([said(text)], PEOPLE) == [said(text)]


REFERAT = """Referat af teknik- og miljøudvalget den 19. marts 2024

Mødet blev afholdt på rådhuset i Holstebro

Deltagere:

Formand Anne Krog
Medlem Erik Juhl
Medlem Fie Bach
Medlem Bo Lund

Medlem Bo Lund deltog fra punkt 2.

Medlem Fie Bach forlod mødet under punkt 4.

Dagsorden:

1. Godkendelse af dagsorden

2. Cykelsti langs Storåen

3. Bænke på torvet

4. Eventuelt

Referat:

Ad 1 – Godkendelse af dagsorden

Intet at bemærke.

Ad 2 – Cykelsti langs Storåen

Medlem Erik Juhl fandt stien for dyr.

Afstemning om forslag om cykelsti langs Storåen: For stemte 2 (Formand Anne Krog og Medlem Bo Lund), imod stemte 1 (Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach). Forslaget blev vedtaget.

Ad 3 – Bænke på torvet

Bænkene blev drøftet.

Ad 4 – Eventuelt

Intet at bemærke.
"""


def test_an_imported_referat_keeps_its_votes_and_attendance(tmp_path: Path) -> None:
    meeting = parse_referat(REFERAT)
    kinds = [(e.item_number, e.kind) for e in meeting.entries]
    assert (2, EntryKind.ARRIVED) in kinds
    assert (4, EntryKind.LEFT) in kinds
    assert (2, EntryKind.VOTE) in kinds
    store = StoreOpener(tmp_path / "referat.db")()
    assert store_imported(store, meeting, "udvalg.txt", now=dt.datetime(2024, 4, 1, tzinfo=dt.UTC))
    (stored,) = store.meetings()
    text = referat_text(store.document(stored.id))
    assert "Medlem Bo Lund deltog fra punkt 2.\n\nMedlem Fie Bach forlod mødet under punkt 4." in text
    assert (
        "Afstemning om forslag om cykelsti langs Storåen: For stemte 2 (Formand Anne Krog og Medlem Bo Lund), "
        "imod stemte 1 (Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach). Forslaget blev vedtaget."
    ) in text
    assert text.count("Forslaget blev vedtaget.") == 1
