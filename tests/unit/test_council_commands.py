"""`afstemning`, `ankommet`, `gået` and `eksport aktindsigt` through the rule book's gate and their
handlers, over a real database: what is stored and answered, and that a refusal stores nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import ExportRequested, Refusal, Reply, Sender
from bot.meeting.parse import CommandError, ExportAktindsigt, parse_command
from bot.referat.compile import referat_text
from storage.records import Vote
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 3, 19, 12, 0, tzinfo=dt.UTC)
NAMES = {"UANNE": "Anne Krog", "UERIK": "Erik Juhl", "UFIE": "Fie Bach", "UREF": "Rie Referent"}


def run(store: Store, text: str, user: str = "UREF") -> str:
    outcome = handle_command(
        store, parse_command(text, now=NOW), Sender(user, "C1", NOW, NAMES.get, vouched=True)
    )
    assert isinstance(outcome, Reply)
    return outcome.text


def refused(store: Store, text: str, user: str = "UREF") -> str:
    before = len(store.entries(meeting_id(store)))
    with pytest.raises(Refusal) as caught:
        run(store, text, user)
    assert len(store.entries(meeting_id(store))) == before  # nothing stored
    return str(caught.value)


def meeting_id(store: Store) -> int:
    meeting = store.current_meeting("C1")
    assert meeting is not None
    return meeting.id


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One meeting set up once per module; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("council") / "referat.db"
    store = StoreOpener(path)()
    run(store, "start Teknik- og miljøudvalget | 19. marts 2024 | rådhuset")
    run(store, "deltager <@UANNE> | Formand")
    run(store, "deltager <@UERIK> | Medlem")
    run(store, "deltager <@UFIE> | Medlem")
    run(store, "deltager Bo Lund | Medlem")
    run(store, "afbud Ole Hansen | Medlem")
    run(store, "dagsorden\n1. Dagsorden\n2. Cykelsti langs Storåen\n3. Bænke på torvet\n4. Eventuelt")
    store.db.execute("pragma wal_checkpoint(truncate)")
    store.db.close()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "referat.db"
    shutil.copyfile(template, copy)
    return StoreOpener(copy)()


def last_vote(store: Store) -> Vote:
    vote = store.entries(meeting_id(store))[-1].vote
    assert vote is not None
    return vote


def test_a_vote_by_count(store: Store) -> None:
    reply = run(store, "afstemning 2 Forslag om cykelsti | for: 3 | imod: 1")
    assert reply == (
        "Nr. 1 gemt under Ad 2 – Cykelsti langs Storåen: Afstemning om forslag om cykelsti: For stemte 3, "
        "imod stemte 1. Forslaget blev vedtaget."
    )
    assert last_vote(store) == Vote(3, 1)


def test_a_vote_by_name_mentions_names_and_alle(store: Store) -> None:
    reply = run(
        store, "afstemning 2 Forslag om cykelsti | for: <@UANNE> og bo lund | imod: Erik | undlod: <@UFIE>"
    )
    assert (
        "For stemte 2 (Formand Anne Krog og Medlem Bo Lund), imod stemte 1 (Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach)"
        in reply
    )
    ids = {p.name: p.id for p in store.participants(meeting_id(store))}
    assert last_vote(store) == Vote(
        2, 1, 1, (ids["Anne Krog"], ids["Bo Lund"]), (ids["Erik Juhl"],), (ids["Fie Bach"],)
    )
    run(store, "afstemning 3 Bænke | for: alle | imod: Erik Juhl")
    assert last_vote(store).in_favour == 3  # everyone taking part but Erik
    assert "Medlem Erik Juhl" in referat_text(store.document(meeting_id(store)))


def test_a_tie_lapses_and_a_stated_outcome_wins(store: Store) -> None:
    assert run(store, "afstemning 2 Cykelsti | for: 2 | imod: 2").endswith(
        "Forslaget bortfaldt ved stemmelighed."
    )
    assert run(store, "afstemning 3 Bænke | for: 2 | imod: 2 | vedtaget").endswith("Forslaget blev vedtaget.")


def test_a_vote_by_someone_inhabil_away_or_gone_is_refused_naming_them(store: Store) -> None:
    run(store, "inhabil 2 <@UERIK>")
    message = refused(store, "afstemning 2 Cykelsti | for: Anne Krog | imod: <@UERIK>")
    assert "Medlem Erik Juhl var inhabil under punkt 2" in message
    assert "kan ikke stemme" in message
    run(store, "gået 3 Fie Bach")
    assert "Medlem Fie Bach forlod mødet under punkt 3" in refused(
        store, "afstemning 3 Bænke | for: Fie Bach | imod: 0"
    )
    assert "havde meldt afbud" in refused(store, "afstemning 3 Bænke | for: Ole Hansen | imod: 0")
    assert "står ikke på deltagerlisten" in refused(store, "afstemning 3 Bænke | for: Per Nielsen | imod: 0")
    assert "på to sider" in refused(store, "afstemning 3 Bænke | for: Anne Krog | imod: Anne Krog")


def test_more_votes_than_members_present_are_refused(store: Store) -> None:
    # Five on the list, one apology: four took part in item 2.
    assert "der er 5 stemmer, men kun 4 deltog" in refused(
        store, "afstemning 2 Cykelsti | for: 3 | imod: 1 | undlod: 1"
    )
    run(store, "ankommet 3 Bo Lund")
    assert "kun 3 deltog i behandlingen af punkt 2" in refused(
        store, "afstemning 2 Cykelsti | for: 4 | imod: 0"
    )


def test_only_the_minute_taker_records_votes_arrivals_and_departures(store: Store) -> None:
    for text in ("afstemning 2 Cykelsti | for: 1 | imod: 0", "ankommet 2 Bo Lund", "gået 2 <@UFIE>"):
        assert "Kun referenten" in refused(store, text, user="UANNE")
        assert "Kun referenten" in refused(store, text, user="UOUTSIDER")


def test_arrivals_and_departures_in_the_draft_and_their_refusals(store: Store) -> None:
    assert run(store, "ankommet 2 Bo Lund").endswith("Medlem Bo Lund deltog fra punkt 2.")
    assert run(store, "gået 3 <@UFIE>").endswith("Medlem Fie Bach forlod mødet under punkt 3.")
    text = referat_text(store.document(meeting_id(store)), version=1)
    assert (
        "Medlem Bo Lund deltog fra punkt 2.\n\nMedlem Fie Bach forlod mødet under punkt 3.\n\nAfbud:" in text
    )
    assert "allerede" in refused(store, "ankommet 3 Bo Lund")
    assert "deltog først fra punkt 2" in refused(store, "gået 1 Bo Lund")
    assert "under afbud" in refused(store, "ankommet 2 Ole Hansen")
    assert "Punkt 9 findes ikke" in refused(store, "gået 9 Anne Krog")
    assert "står ikke på deltagerlisten" in refused(store, "gået 2 Per Nielsen")
    seq = store.entries(meeting_id(store))[-1].seq
    assert "Slet den" in refused(store, f"ret {seq} Fie Bach gik tidligere")


def test_a_departure_that_contradicts_a_recorded_vote_is_refused(store: Store) -> None:
    run(store, "afstemning 3 Bænke | for: Anne Krog, Erik Juhl | imod: Fie Bach")
    message = refused(store, "gået 2 Fie Bach")
    assert "Det passer ikke med afstemningerne: nr. 1 (punkt 3)" in message
    assert "Medlem Fie Bach forlod mødet under punkt 2" in message
    run(store, "afstemning 2 Cykelsti | for: 4 | imod: 0")
    assert "kun 3 deltog" in refused(store, "ankommet 3 Bo Lund")


def test_eksport_aktindsigt_asks_for_one_item(store: Store) -> None:
    assert parse_command("eksport aktindsigt 2 pdf", now=NOW) == ExportAktindsigt(2, "pdf")
    assert parse_command("export aktindsigt pkt. 3", now=NOW) == ExportAktindsigt(3, None)
    outcome = handle_command(
        store, ExportAktindsigt(2, "md"), Sender("UANNE", "C1", NOW, NAMES.get, vouched=True)
    )
    assert isinstance(outcome, ExportRequested)
    assert (outcome.aktindsigt, outcome.format) == (2, "md")
    with pytest.raises(CommandError, match="Brug: /referat eksport"):
        parse_command("eksport aktindsigt", now=NOW)
    with pytest.raises(Refusal, match="intet møde"):  # from a channel without a meeting
        handle_command(store, ExportAktindsigt(2, "md"), Sender("UANNE", "C9", NOW, NAMES.get, vouched=True))


def test_status_shows_votes_with_their_counts_and_who_came_and_went(store: Store) -> None:
    run(store, "ankommet 2 Bo Lund")
    run(store, "afstemning 3 Bænke | for: 2 | imod: 2")
    status = run(store, "status")
    assert "#1 [Ankommet] Bo Lund (punkt 2)" in status
    assert "#2 [Afstemning] Bænke (for 2, imod 2, undlod 0: stemmelighed)" in status


def test_a_voter_named_in_a_vote_cannot_be_removed_from_the_list(store: Store) -> None:
    run(store, "afstemning 3 Bænke | for: Bo Lund | imod: 0")
    with pytest.raises(Refusal, match=r"Bo Lund har noteringer \(nr. 1\)"):
        run(store, "fjern Bo Lund")
    assert "Bo Lund" in [p.name for p in store.participants(meeting_id(store))]


def test_inhabil_after_a_vote_naming_the_person_is_refused(store: Store) -> None:
    run(store, "afstemning 2 Cykelsti | for: <@UERIK> | imod: 0")
    assert "Medlem Erik Juhl var inhabil under punkt 2" in refused(store, "inhabil 2 <@UERIK>")
    assert "Inhabil" in run(store, "inhabil 3 <@UERIK>")  # another item is fine
