"""Initials are a field of a participant: typed after the name, shown where Danish minutes show them,
and usable for speakers and owners (`ad 1 IH orienterede …`), never part of the name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.approval.service import names_for
from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Refusal, Reply, Sender
from bot.meeting.parse import AddAbsent, AddParticipant, Command, parse_command
from bot.referat.compile import referat_text
from bot.text.people import by_initials, split_initials
from storage.connection import connect
from storage.migrations import migrations
from storage.records import EntryKind, Participant
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 12, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "deltager <@UIDA> (IH) | Formand | kommunen",
            AddParticipant(None, "UIDA", "Formand", "kommunen", "IH"),
        ),
        ("deltager Ida Holm (IH) | Formand", AddParticipant("Ida Holm", None, "Formand", None, "IH")),
        ("deltager Ida Holm | Formand (IH)", AddParticipant("Ida Holm", None, "Formand", None, "IH")),
        ("deltager <@UIDA> Ida Holm ( IH )", AddParticipant("Ida Holm", "UIDA", None, None, "IH")),
        ("afbud Bo Ek (BE) | Stabschef", AddAbsent("Bo Ek", None, "Stabschef", None, "BE")),
        # Not initials: lower case, one letter, a role tag. They stay as typed.
        ("deltager Ida Holm (ih)", AddParticipant("Ida Holm (ih)", None, None, None)),
        (
            "deltager Ida Holm | Konsulent (referent)",
            AddParticipant("Ida Holm", None, "Konsulent (referent)", None),
        ),
    ],
)
def test_initials_are_read_apart_from_the_name(text: str, expected: Command) -> None:
    assert parse_command(text, now=NOW) == expected


def test_split_initials_and_by_initials() -> None:
    assert split_initials("Ida Holm (IH)") == ("Ida Holm", "IH")
    assert split_initials("Ida Holm") == ("Ida Holm", None)
    ida = Participant(1, 1, "Ida Holm", None, None, False, initials="IH")
    gone = Participant(2, 1, "Ib Hansen", None, None, True, initials="IB")
    twin = Participant(3, 1, "Ivan Hald", None, None, False, initials="IH")
    assert by_initials("IH", [ida, gone]) == ida
    assert by_initials("IB", [ida, gone]) is None  # absent people speak for nobody
    assert by_initials("IH", [ida, twin]) is None  # ambiguous
    assert by_initials("ih", [ida]) is None


NAMES = {"UIDA": "Ida Holm", "UOLE": "Ole Brix", "UREF": "Rie Referent"}


def run(store: Store, text: str, user: str = "UREF") -> str:
    outcome = handle_command(
        store, parse_command(text, now=NOW), Sender(user, "CMEET", NOW, NAMES.get, vouched=True)
    )
    assert isinstance(outcome, Reply)
    return outcome.text


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = StoreOpener(tmp_path / "referat.db")()
    run(store, "start Lokalrådsmøde i Struer Kommune | 12. november 2024 | Struer Rådhus")
    return store


def test_initials_are_shown_with_the_name_and_never_as_it(store: Store) -> None:
    added = run(store, "deltager <@UIDA> (IH) | Formand | kommunen")
    assert added == "Tilføjet under «Fra kommunen»: Formand Ida Holm (IH)"
    run(store, "deltager Ole Brix (OB) | Politiinspektør | politiet")
    run(store, "dagsorden\n1. Budget")
    said = run(store, "ad 1 IH orienterede om budgettet.")
    assert "Indlæg – Formand Ida Holm (IH)" in said
    owned = run(store, "ad 1 opgave: Sende budgettet ud ansvarlig: OB frist 1. december 2024")
    assert "ansvarlig: Ole Brix" in owned

    meeting = store.meetings()[0]
    ida, ole = store.participants(meeting.id)
    assert (ida.name, ida.initials, ida.slack_user_id) == ("Ida Holm", "IH", "UIDA")
    assert (ole.name, ole.initials) == ("Ole Brix", "OB")
    said_entry, action = store.entries(meeting.id)
    assert said_entry.speaker_ids == (ida.id,)
    assert (action.kind, action.owner) == (EntryKind.ACTION, "Ole Brix")

    status = run(store, "status")
    assert "Formand Ida Holm (IH)" in status
    assert "Formand (IH)" not in status
    assert names_for(store, meeting)("UIDA") == "Ida Holm"  # the approval line's name

    text = referat_text(store.document(meeting.id), version=1, draft_date=NOW.date())
    assert "Formand Ida Holm (IH)" in text
    assert "Politiinspektør Ole Brix (OB)" in text
    assert "IH orienterede om budgettet." in text
    assert "ansvarlig: Ole Brix" in text
    assert "(IH) orienterede" not in text
    assert "Formand (IH)" not in text


def test_an_item_note_finds_the_person_by_initials(store: Store) -> None:
    run(store, "deltager Ida Holm (IH) | Formand")
    run(store, "dagsorden\n1. Budget")
    assert "Inhabil – Formand Ida Holm (IH)" in run(store, "inhabil 1 IH")
    with pytest.raises(Refusal):
        run(store, "inhabil 1 XY")


def test_m100_takes_initials_out_of_names_typed_before_it(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m100_initials_out_of_names")
    meeting_id = (
        db.table("meetings")
        .insert({"title": "Møde", "date": "2024-11-12", "status": "open", "created_utc": NOW.isoformat()})
        .last_pk
    )
    for position, name in enumerate(["Ida Holm (IH)", "(OB)", "Bo Ek (referent)", "Kim Lund"]):
        db.table("participants").insert(
            {"meeting_id": meeting_id, "name": name, "absent": 0, "position": position}
        )
    migrations.apply(db)
    rows = [(r["name"], r["initials"]) for r in db.query("select * from participants order by position")]
    assert rows == [("Ida Holm", "IH"), ("(OB)", None), ("Bo Ek (referent)", None), ("Kim Lund", None)]
