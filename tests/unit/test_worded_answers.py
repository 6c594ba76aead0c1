"""Questions real minutes answer in words of their own (issue 20): the next meeting without a date
(`primo juni`), a date inside a sentence (`1. Udkast klar 29. August`), how many came, who the
initials in the text are.

Each test imports a small document written for it, in the shape real minutes take, into an archive
of its own and asks as `referat ask` does.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from bot.archive.ask import answer_question
from bot.importing.run import import_paths
from storage.search import EVERYTHING, Scope
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)


def archive(folder: Path, *documents: str) -> Store:
    for k, text in enumerate(documents):
        (folder / f"referat-{k}.txt").write_text(text, encoding="utf-8")
    store = StoreOpener(folder / "referat.db")()
    err = io.StringIO()
    assert import_paths(store, sorted(folder.glob("*.txt")), out=io.StringIO(), err=err, now=NOW) == 0, (
        err.getvalue()
    )
    return store


def ask(store: Store, question: str) -> str:
    return answer_question(store, question, now=NOW, scope=EVERYTHING).text


BOARD = """\
Bestyrelsesmøde den {day}. {month} 2024

Deltagere: Anna Holm, Jens Berg

1. Haven
Hækken klippes i weekenden.

2. {next_title}
{next_text}
"""


def test_the_next_meeting_in_words_is_shown_as_written(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        BOARD.format(day=3, month="marts", next_title="Eventuelt", next_text="Næste møde holdes 16. april."),
        BOARD.format(
            day=9, month="april", next_title="Eventuelt", next_text="Næste møde afholdes primo juni."
        ),
    )
    answer = ask(store, "hvornår er næste møde?")
    assert "Næste møde afholdes primo juni." in answer
    assert "16. april" not in answer  # the older referat's date is past


def test_an_item_named_next_meeting_answers_in_its_own_words(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        BOARD.format(day=3, month="marts", next_title="Næste møde", next_text="Vi mødes igen sidst i maj."),
    )
    assert "Vi mødes igen sidst i maj." in ask(store, "hvornår er næste møde?")


def test_a_mention_of_the_next_meeting_without_a_time_is_no_answer(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        BOARD.format(
            day=3, month="marts", next_title="Eventuelt", next_text="Hækken tages op på næste møde."
        ),
    )
    assert ask(store, "hvornår er næste møde?").startswith("Jeg fandt intet om næste møde")


def test_the_next_meeting_asked_by_its_kind(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        "Bestyrelsesmøde 23/5 2016\n\nTilstede var: Karin, Lis og Jens.\n\nDagsorden:\n\n"
        "1. Regnskab\n2. Næste bestyrelsesmøde\n\nReferat:\n\n1. Godkendt.\n"
        "2. Næste bestyrelsesmøde bliver umiddelbart efter generalforsamlingen\n",
    )
    answer = ask(store, "hvornår er næste bestyrelsesmøde?")
    assert "Næste bestyrelsesmøde bliver umiddelbart efter generalforsamlingen" in answer
    assert "Regnskab" not in answer


GENERAL_ASSEMBLY = """\
Referat fra den ordinære generalforsamling

mandag, 16. marts 2024

Forkvinde Jeanne bød velkommen. Et bestyrelsesmedlem, Charlotte, var ikke til stede.

Valg af dirigent. Ole Dam vælges. 61 medlemmer til stede. Ida Lund valgt som referent.
"""


def test_how_many_came_is_the_sentence_that_counts_them(tmp_path: Path) -> None:
    store = archive(tmp_path, GENERAL_ASSEMBLY)
    answer = ask(store, "hvor mange medlemmer var til stede?")
    assert "61 medlemmer til stede." in answer
    assert "Charlotte" not in answer  # who was not there is no count of who was
    assert "Ida Lund valgt" not in answer
    # Asked who, not how many: the attendance list (here: only the referent chosen) answers.
    assert "61 medlemmer" not in ask(store, "hvem var til stede?")


INITIALLED = """\
Referat af generalforsamling 2024

Lørdag d. 25-05-2024 kl. 14.00 i fælleshuset

1. Formandens beretning
Beretningen påbegyndtes af Ann Holm. Hun bad dog Ole Dam overtage, da han er ny formand.

2. Eventuelt
O.D. gennemgik havesæsonen. Jens Olsen Dahl spurgte til hækken.
"""


def test_dotted_initials_are_the_full_name_the_referat_gives(tmp_path: Path) -> None:
    store = archive(tmp_path, INITIALLED)
    answer = ask(store, "hvem er O.D.?")
    assert answer.startswith("*Ole Dam* (O.D.)")
    assert "Hun bad dog Ole Dam overtage" in answer
    assert "Jens Olsen Dahl" not in answer
    assert "Ole Dam" not in ask(store, "hvem er X.Y.?")


def test_dotted_initials_name_no_one_from_minutes_the_reader_may_not_read(tmp_path: Path) -> None:
    store = archive(tmp_path, INITIALLED)
    [meeting] = store.meetings()
    for scope in (
        Scope(hidden_items=frozenset({(meeting.id, 1)})),  # the item naming him is closed to the reader
        Scope(channels=frozenset({("T1", "C1")})),  # the referat belongs to another conversation
    ):
        answer = answer_question(store, "hvem er O.D.?", now=NOW, scope=scope).text
        assert "Ole Dam" not in answer


def test_the_items_title_carries_a_word_the_sentence_leaves_out(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        "Referat fra Ældrerådets møde den 6. november 2023\n\n1: Godkendelse af referat\nGodkendt\n\n"
        "2:Årsberetning 2023\nSkal ifølge forretningsorden foreligge senest 1. marts 2024\n",
    )
    answer = ask(store, "hvornår skal årsberetningen foreligge?")
    assert answer.startswith("*1. marts 2024*")
    assert "Ad 2 – Årsberetning 2023" in answer


AGENDA_WITH_TEXT = """\
Referat fra generalforsamling 2024, tirsdag den 5. november 2024

DAGSORDEN:
1. Valg af dirigent
Bestyrelsen foreslår Bo Lund
2. Valg til bestyrelsen
På valg dette år: Kasserer Eva Berg (2 år)
3. Eventuelt

1: VALG AF DIRIGENT
Bo blev valgt.

2: VALG TIL BESTYRELSEN
Der var ingen modkandidater.

3: EVENTUELT
Intet.
"""


def test_the_agendas_text_under_an_item_answers_when_nothing_said_does(tmp_path: Path) -> None:
    store = archive(tmp_path, AGENDA_WITH_TEXT)
    answer = ask(store, "hvem er på valg som kasserer?")
    assert "På valg dette år: Kasserer Eva Berg (2 år)" in answer
    assert "Ad 2 – Valg til bestyrelsen" in answer
    [meeting] = store.meetings()
    closed = Scope(hidden_items=frozenset({(meeting.id, 2)}))
    assert (
        "Eva Berg" not in answer_question(store, "hvem er på valg som kasserer?", now=NOW, scope=closed).text
    )
    # What was said answers first; the agenda's text only when nothing said holds the words.
    assert "Bestyrelsen foreslår" not in ask(store, "hvem blev valgt som dirigent?")


def test_the_meetings_of_a_year_are_planned_in_the_referat_before_it(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        "Referat fra møde i Ældrerådet torsdag den 11. december 2025\n\nDeltagere: Bo Holm, Eva Lund\n\n"
        "1. Mødedatoer 2026\nMøderne afholdes første mandag i hver måned kl. 13.\n\n2. Eventuelt\nIntet.\n",
    )
    answer = ask(store, "hvornår holder ældrerådet møder i 2026?")
    assert "Møderne afholdes første mandag i hver måned kl. 13." in answer
    assert "Ad 1 – Mødedatoer 2026" in answer
    assert "første mandag" not in ask(store, "hvornår holder ældrerådet møder i 2027?")


def test_how_many_came_to_a_meeting_with_a_list_is_the_lists_count(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        BOARD.format(day=3, month="marts", next_title="Sommerfest", next_text="Der deltog 40 i festen."),
    )
    answer = ask(store, "hvor mange deltog?")
    assert "Anna Holm" in answer
    assert "Der deltog 40" not in answer


def test_a_sentence_that_announces_what_follows_is_shown_with_it(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        "Referat fra generalforsamling 2024, tirsdag den 5. november 2024\n\nDAGSORDEN:\n1. Valg af dirigent\n"
        "2. Formandens beretning\n\n1: VALG AF DIRIGENT\nBo blev valgt.\n\n2: FORMANDENS BERETNING\n"
        "To store emner har fyldt meget på bestyrelsens dagsorden i år.\n"
        "Først og fremmest vejene og fortovene. Dernæst trekanten.\n\nHækken er klippet.\n",
    )
    answer = ask(store, "hvad har fyldt meget på bestyrelsens dagsorden?")
    assert "To store emner har fyldt meget" in answer
    assert "Først og fremmest vejene og fortovene." in answer
    assert "Hækken" not in answer
    agenda = ask(store, "hvad stod på dagsordenen?")  # the agenda itself, asked without words of its own
    assert "1. Valg af dirigent" in agenda
    assert "vejene" not in agenda


READER_MAY_NOT = """\
Referat fra møde i Ældrerådet torsdag den 11. december 2025

1. Mødedatoer 2026
Møderne afholdes første mandag i hver måned.

2. Næste møde
Vi mødes igen sidst i januar.

3. Generalforsamlingen
Der var 61 medlemmer til stede. To store emner blev drøftet.
Først og fremmest vejene.
"""


def test_the_new_answers_stay_inside_what_the_reader_may_read(tmp_path: Path) -> None:
    store = archive(tmp_path, READER_MAY_NOT)
    [meeting] = store.meetings()
    asked = {
        "hvornår holder ældrerådet møder i 2026?": "første mandag",
        "hvornår er næste møde?": "sidst i januar",
        "hvor mange medlemmer var til stede?": "61 medlemmer",
        "hvilke emner blev drøftet?": "vejene",
    }
    for question, said in asked.items():
        assert said in ask(store, question), question
    closed = Scope(hidden_items=frozenset({(meeting.id, n) for n in (1, 2, 3)}))
    elsewhere = Scope(channels=frozenset({("T1", "C1")}))
    for scope in (closed, elsewhere):
        for question, said in asked.items():
            assert said not in answer_question(store, question, now=NOW, scope=scope).text, (question, scope)


def test_dotted_initials_of_a_listed_participant(tmp_path: Path) -> None:
    store = archive(
        tmp_path,
        "Referat fra generalforsamlingen 22.02.2022\n\nFremmødt: Formand Anna Holm (AH), kasserer Jens Berg, Lise Dam\n\n"
        "1. Kassererens beretning\nJ.B. sender regnskabet til revisor.\n",
    )
    assert ask(store, "hvem er J.B.?").startswith("*Jens Berg* (J.B.) – kasserer")
    assert ask(store, "hvem er A.H.?").startswith("*Anna Holm* (A.H.)")
    assert "Lise Dam" not in ask(store, "hvem er J.B.?")


def test_meetings_held_in_a_year_without_a_plan_are_the_referater_of_that_year(tmp_path: Path) -> None:
    store = archive(tmp_path, BOARD.format(day=3, month="marts", next_title="Eventuelt", next_text="Intet."))
    assert ask(store, "hvornår blev der holdt møder i 2024?").startswith("*3. marts 2024*")
