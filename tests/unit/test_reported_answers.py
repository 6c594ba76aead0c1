"""What an organisation or an office holder reported (issue 20): `hvad orienterede kommunen om?` is
answered with the statements of the people who sat for the municipality, in imported minutes (`Fra
kommunen:`) and in meetings logged live (`deltager … | titel | kommunen`) alike; `hvad orienterede
formanden om?`, where no participant is the chair, with the item the minutes title as the chair's
(`Meddelelser fra formanden`). Always inside what the reader may read.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.archive.ask import answer_question
from bot.archive.question import parse_question
from bot.archive.reporters import by_organisation, reports_of
from bot.importing.run import import_paths
from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Sender
from bot.meeting.parse import parse_command
from storage.search import EVERYTHING, Scope
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)

KREDSRAAD = """\
Referat af kredsrådsmøde i Lemby Kommune 5. marts 2024

Deltagere:
Fra politiet:
Politidirektør Hanne Vest
Fra kommunen:
Borgmester Jens Dal

1. Orientering
Politidirektør Hanne Vest orienterede om indbrud i Lemby.
Borgmester Jens Dal orienterede om den nye skolevej.

2. Meddelelser fra formanden
Sommerfesten flyttes til august.
"""

NAMES = {"UKIM": "Kim Sund", "UOLE": "Ole Bak"}
LIVE = [
    "start Lokalrådsmøde i Lemby | 12. november 2024 | Rådhuset",
    "deltager <@UKIM> | Sekretær | kommunen",
    "deltager <@UOLE> | Politiinspektør | politiet",
    "dagsorden\n1. Trafik",
    "ad 1 Kim Sund orienterede om cykelstien ved skolen.",
    "ad 1 Ole Bak oplyste, at der er færre indbrud end sidste år.",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder: Path = tmp_path_factory.mktemp("reported")
    (folder / "kredsraad.txt").write_text(KREDSRAAD, encoding="utf-8")
    store = StoreOpener(folder / "referat.db")()
    err = io.StringIO()
    assert import_paths(store, [folder / "kredsraad.txt"], out=io.StringIO(), err=err, now=NOW) == 0
    for text in LIVE:
        handle_command(store, parse_command(text, now=NOW), Sender("UKIM", "CLIVE", NOW, NAMES.get))
    return store


def ask(store: Store, question: str, scope: Scope = EVERYTHING) -> str:
    return answer_question(store, question, now=NOW, scope=scope).text


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        (
            "hvad orienterede kommunen om?",
            ["skolevej", "cykelstien", "fra kommunen"],
            ["indbrud", "Sommerfest"],
        ),
        ("hvad sagde politiet?", ["indbrud i Lemby", "færre indbrud"], ["skolevej", "cykelstien"]),
        ("what did the police report?", ["indbrud i Lemby"], ["skolevej"]),
        # The organisation that said it, not the one said about.
        ("hvad sagde kommunen om indbrud?", ["Jeg fandt ingen udtalelser fra kommunen"], ["Hanne Vest"]),
        # No participant chairs: the item the minutes title as the chair's answers.
        (
            "hvad orienterede formanden om?",
            ["Meddelelser fra formanden", "Sommerfesten flyttes"],
            ["indbrud"],
        ),
    ],
)
def test_what_was_reported(archive: Store, question: str, present: list[str], absent: list[str]) -> None:
    answer = ask(archive, question)
    for words in present:
        assert words in answer, (question, words, answer)
    for words in absent:
        assert words not in answer, (question, words, answer)


def test_an_organisation_is_answered_inside_the_readers_scope(archive: Store) -> None:
    live = next(m for m in archive.meetings() if m.channel_id == "CLIVE")
    only_live = Scope(channels=frozenset({(live.team_id, "CLIVE")}))
    answer = ask(archive, "hvad orienterede kommunen om?", only_live)
    assert "cykelstien" in answer
    assert "skolevej" not in answer
    assert "Jens Dal" not in answer
    assert "Sommerfesten" not in ask(archive, "hvad orienterede formanden om?", only_live)
    for question in ("hvad orienterede kommunen om?", "hvad orienterede formanden om?"):
        nothing = ask(archive, question, Scope(channels=frozenset()))
        assert "skolevej" not in nothing
        assert "cykelstien" not in nothing
        assert "Sommerfesten" not in nothing


def test_a_closed_report_item_stays_closed(archive: Store) -> None:
    kreds = next(m for m in archive.meetings() if m.channel_id != "CLIVE")
    closed = Scope(hidden_items=frozenset({(kreds.id, 2)}))
    answer = ask(archive, "hvad orienterede formanden om?", closed)
    assert "Sommerfesten" not in answer
    assert "Meddelelser fra formanden" not in answer


def test_who_reported_is_the_subject_not_the_topic() -> None:
    asked = parse_question("hvad orienterede kommunen om?", now=NOW)
    assert asked.intent == "statements"
    assert asked.topic_terms == ("kommunen",)
    assert reports_of("formanden", "Meddelelser fra formanden")
    assert reports_of("formanden", "Formandens beretning")
    assert reports_of("kommunen", "Orientering fra Holstebro Kommune")
    assert not reports_of("formanden", "Valg af formand og kasserer")
    assert not reports_of("kommunen", "Brev til kommunen")


def test_the_organisations_a_reader_is_told_of_are_those_of_meetings_they_may_read(archive: Store) -> None:
    live = next(m for m in archive.meetings() if m.channel_id == "CLIVE")
    kreds = next(m for m in archive.meetings() if m.channel_id != "CLIVE")
    only_live = Scope(channels=frozenset({(live.team_id, "CLIVE")}))
    only_kreds = Scope(channels=frozenset({(kreds.team_id, kreds.channel_id)}))
    everyone = set(archive.archive.organisations(EVERYTHING))
    assert {"kommunen", "politiet"} <= everyone
    assert set(archive.archive.organisations(only_live)) == {"kommunen", "politiet"}
    assert archive.archive.organisations(Scope(channels=frozenset())) == []
    # A channel the reader may read but that holds no meeting: each organisation is looked for in it.
    assert archive.archive.organisations(Scope(channels=frozenset({(live.team_id, "CELSEWHERE")}))) == []
    # The people of an organisation: only as they sat in the meetings the reader may read.
    live_people = {name for _, name, _ in archive.archive.organisation_people(["kommunen"], only_live)}
    assert live_people == {"Kim Sund"}
    kreds_people = {name for _, name, _ in archive.archive.organisation_people(sorted(everyone), only_kreds)}
    assert "Kim Sund" not in kreds_people
    assert "Jens Dal" in kreds_people


def test_organisations_are_asked_for_only_when_a_question_could_name_one() -> None:
    asked: list[str] = []

    def organisations() -> list[str]:
        asked.append("organisations")
        return ["kommunen"]

    def people_of(bodies: object) -> list[tuple[str, str, str | None]]:
        asked.append("people")
        return [("kommunen", "Kim Sund", "Sekretær")]

    about = parse_question("hvad blev der sagt om cykelstien?", now=NOW)
    assert by_organisation(about, organisations, people_of) == about
    assert asked == []  # a topic after `om` names nobody who reported: nothing is read
    reported = by_organisation(
        parse_question("hvad orienterede kommunen om?", now=NOW), organisations, people_of
    )
    assert reported.speaker is not None
    assert [p.name for p in reported.speaker.people] == ["Kim Sund"]
    assert asked == ["organisations", "people"]
