"""Answers over minutes imported from the layouts real minutes take (issue 20): attendance from prose
lists, who chaired, who took the minutes, who holds a title, who does a task, asked by initials.

Two documents written for the test in those layouts, imported once into one archive per module.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.archive.ask import answer_question
from bot.importing.run import import_paths
from storage.search import EVERYTHING
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)

GENERALFORSAMLING = """\
Referat fra generalforsamlingen i Haveforeningen Solsikken 22.02.2022

Fremmødt: Formand Anna Holm (AH), kasserer Jens Berg (JB), Lise Dam og Ole Friis.

Afbud: Karen Lund

1. Valg af dirigent
Henning Juhl have 58

2. Valg af referent
Til referent valgtes Lise Dam.

3. Kassererens beretning
Regnskabet blev gennemgået. Årets overskud er ca. 20.000 kr.
JB sender regnskabet til revisor inden 1. marts 2022.

4. Eventuelt
Ole Friis bestiller nye trillebøre.
"""

BESTYRELSE = """\
Bestyrelsesmøde den 5. maj, 2022

Deltagende: Formand Anna Holm, Ole Friis, Kim Vang

Suppleanter: Birgitte Glifberg, suppleant for Kim Vang

Dirigent: Ole Friis

Punkt 1. Vejfest: Matthis vil gerne stå for vejfesten. Udskudt til næste møde.

Punkt 2. Sommerfest: Sommerfesten er i Præstegårdshaven.
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder: Path = tmp_path_factory.mktemp("import-answers")
    (folder / "gf.txt").write_text(GENERALFORSAMLING, encoding="utf-8")
    (folder / "best.txt").write_text(BESTYRELSE, encoding="utf-8")
    store = StoreOpener(folder / "referat.db")()
    err = io.StringIO()
    assert import_paths(store, [folder], out=io.StringIO(), err=err, now=NOW) == 0, err.getvalue()
    return store


def ask(store: Store, question: str) -> str:
    return answer_question(store, question, now=NOW, scope=EVERYTHING).text


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        (
            "hvem var til stede på generalforsamlingen?",
            ["Anna Holm", "Jens Berg", "Lise Dam", "Ole Friis"],
            ["Karen Lund"],
        ),
        ("hvem havde meldt afbud til generalforsamlingen?", ["Karen Lund"], ["Jens Berg"]),
        ("hvem var dirigent på generalforsamlingen?", ["Henning Juhl"], ["Ole Friis"]),
        ("hvem var referent på generalforsamlingen?", ["Lise Dam"], ["Anna Holm"]),
        ("hvem var dirigent på bestyrelsesmødet?", ["Ole Friis"], ["Henning Juhl"]),
        ("hvem er suppleant for Kim Vang?", ["Birgitte Glifberg"], ["Anna Holm"]),
        ("hvem er JB?", ["Jens Berg"], ["Anna Holm"]),
        ("hvilke opgaver har JB?", ["regnskabet til revisor", "1. marts 2022"], ["trillebøre"]),
        ("hvem bestiller trillebøre?", ["Ole Friis"], ["Jens Berg"]),
        ("hvem står for vejfesten?", ["Matthis"], ["Anna Holm"]),
        ("hvor er sommerfesten?", ["Præstegårdshaven"], ["Referatet nævner intet mødested"]),
        # A word no minutes use does not sink the question; words none of them use find nothing.
        ("hvor tit skal der bestilles trillebøre?", ["Ole Friis bestiller nye trillebøre"], ["vejfesten"]),
        ("hvor tit fodres zebraerne?", ["Jeg fandt"], ["trillebøre", "vejfesten"]),
        ("hvor blev bestyrelsesmødet holdt?", ["Referatet nævner intet mødested"], ["Præstegårdshaven"]),
    ],
)
def test_answers_from_imported_prose(
    archive: Store, question: str, present: list[str], absent: list[str]
) -> None:
    answer = ask(archive, question)
    for words in present:
        assert words in answer, (question, words, answer)
    for words in absent:
        assert words not in answer, (question, words, answer)


def test_a_chair_no_minutes_name_is_said_so(tmp_path: Path) -> None:
    source = tmp_path / "m.txt"
    source.write_text(
        "Referat af bestyrelsesmøde 5. juni 2024\n\nDeltagere: Bo Hansen\n\nAd 1 - Orientering\n\nIntet.",
        encoding="utf-8",
    )
    store = StoreOpener(tmp_path / "r.db")()
    assert import_paths(store, [source], out=io.StringIO(), err=io.StringIO(), now=NOW) == 0
    assert ask(store, "hvem var dirigent?").startswith("Referatet nævner ingen dirigent eller ordstyrer.")
