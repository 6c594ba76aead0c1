"""What a newcomer is told: an action without owner or deadline is stored with a note saying how to
add them, and a missing number is a `notering`, whatever kind the entry would have been."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Refusal, Reply, Sender
from bot.meeting.parse import parse_command
from storage.records import EntryKind
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 12, 12, 0, tzinfo=dt.UTC)


def run(store: Store, text: str) -> str:
    outcome = handle_command(
        store, parse_command(text, now=NOW), Sender("UREF", "CMEET", NOW, lambda _: None)
    )
    assert isinstance(outcome, Reply)
    return outcome.text


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = StoreOpener(tmp_path / "referat.db")()
    run(store, "start Styregruppemøde | 12. november 2024")
    run(store, "deltager Ida Holm (IH) | Formand")
    run(store, "dagsorden\n1. Budget")
    return store


def test_an_action_without_owner_and_deadline_is_stored_with_how_to_add_them(store: Store) -> None:
    said = run(store, "ad 1 opgave: Sende budgettet ud")
    assert said.startswith("Nr. 1 gemt under Ad 1 – Budget: Opgave: «Sende budgettet ud»")
    assert "Opgaven har ingen ansvarlig og ingen frist" in said
    assert "Tilføj dem med `/referat ret 1 opgave: <opgaven> ansvarlig: @navn frist <dato>`" in said
    meeting = store.meetings()[0]
    (action,) = store.entries(meeting.id)
    assert (action.kind, action.owner, action.due) == (EntryKind.ACTION, None, None)

    owner_only = run(store, "ad 1 opgave: Ringe til kommunen ansvarlig: IH")
    assert "Opgaven har ingen frist" in owner_only
    assert "ansvarlig og" not in owner_only
    assert "Tilføj den med `/referat ret 2 " in owner_only

    # The way the note shows works, and then there is nothing to add.
    fixed = run(store, "ret 1 opgave: Sende budgettet ud ansvarlig: IH frist 1. december 2024")
    assert "(ansvarlig: Ida Holm) (frist: 1. december 2024)" in fixed
    complete = run(store, "ad 1 opgave: Bestille lokale ansvarlig: IH frist 1. december 2024")
    assert "Opgaven har ingen" not in complete


@pytest.mark.parametrize("text", ["ret 99 Der var enighed.", "slet 99"])
def test_a_missing_number_is_no_entry_of_any_kind(store: Store, text: str) -> None:
    with pytest.raises(Refusal) as refused:
        run(store, text)
    assert str(refused.value).startswith("Der er ingen notering nr. 99 i mødet.")
    assert "indlæg" not in str(refused.value)
