"""Real minutes as people published them (tests/fixtures/real/): each imports, keeps every sentence of
its body, and answers what a careful reader finds in it.

Each file is imported once per worker into its own fresh archive, in-process, as `referat import`
does; its questions go through the same code path as `referat ask`. What each check means, and the
format of the hand-written expectations, is in tests/support/corpus.py.

KNOWN_GAPS lists the cases the importer does not meet yet, each as `<file>::<check>` (checks: import,
frame, people, items, decisions, actions, sentences, debris, q1–q5). They run as xfail(strict=True):
a case that starts to pass fails the suite as XPASS until its line is removed here. So whoever
improves the importer deletes the lines their change fixed (`python -m bench.bench_corpus --gaps`
prints the list as it stands), and nobody adds a line except with a new file of the corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from storage.store import Store
from support.corpus import (
    CHECKS,
    REAL,
    SUFFIXES,
    Case,
    Imported,
    body_sentences,
    cases,
    check_import,
    check_question,
    check_sentences,
    contains,
    import_case,
    migrated_template,
)

KNOWN_GAPS = frozenset(
    line.strip()
    for line in """
handicapraad-assens-2018-01-18::people
handicapraad-herning-2013-06-03::people
handicapraad-holbaek-2015-11-03::people
lokalraad-lindved-2007-08-09::items
lokalraad-lindved-2007-08-09::people
lokalraad-taarnborg-2017-03-06::items
""".splitlines()
    if line.strip()
)

CASES = {case.name: case for case in cases()}


def _param(name: str, check: str, *values: object) -> object:
    case_id = f"{name}::{check}"
    marks = []
    if case_id in KNOWN_GAPS:
        marks.append(
            pytest.mark.xfail(strict=True, reason="in KNOWN_GAPS: the importer does not meet it yet")
        )
    return pytest.param(name, *values, id=case_id, marks=marks)


READ = [
    _param(name, check, check) for name, case in CASES.items() if case.refused is None for check in CHECKS
]
ASKED = [_param(name, f"q{n}", n) for name, case in CASES.items() for n in range(1, len(case.questions) + 1)]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Imported]:
    """Each file imported once (on first use) into a fresh archive of its own."""
    folder = tmp_path_factory.mktemp("real")
    template = migrated_template(folder)
    done: dict[str, Imported] = {}

    def get(name: str) -> Imported:
        if name not in done:
            done[name] = import_case(CASES[name], template, folder)
        return done[name]

    return get


def test_the_corpus_is_whole() -> None:
    """At least 25 files of at least 8 kinds, each with its source and five questions."""
    assert len(CASES) >= 25
    assert len({case.expect["kind"] for case in CASES.values()}) >= 8
    assert sum(1 for case in CASES.values() if case.path.suffix == ".pdf") >= 3
    for name, case in CASES.items():
        assert str(case.expect["source"]).startswith("http"), case.name
        if case.path.suffix == ".txt":
            first = case.path.read_text(encoding="utf-8").splitlines()[0]
            assert first.startswith(f"Kilde: {case.expect['source']}"), case.name
        elif case.refused is None:  # a PDF made from published text keeps that text beside it
            source = REAL / "pdf-sources" / f"{name}.txt"
            assert source.read_text(encoding="utf-8").startswith(f"Kilde: {case.expect['source']}\n"), name
        if case.refused is None:
            assert len(case.questions) == 5, case.name


def test_known_gaps_name_real_cases() -> None:
    """A stale line (a renamed file, a check that does not exist) would hide nothing and mislead."""
    known = {f"{name}::{check}" for name in CASES for check in ["import", *CHECKS]}
    known |= {f"{name}::q{n}" for name, case in CASES.items() for n in range(1, len(case.questions) + 1)}
    assert known >= KNOWN_GAPS, sorted(KNOWN_GAPS - known)


@pytest.mark.parametrize("name", [_param(name, "import") for name in CASES])
def test_imports(name: str, imported: Callable[[str], Imported]) -> None:
    """Every file imports (a scanned PDF is refused by name, with the reason)."""
    wrong = check_import(CASES[name], imported(name))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("name", "check"), READ)
def test_reads(name: str, check: str, imported: Callable[[str], Imported]) -> None:
    """What a careful reader finds: frame, people, items, decisions, actions; every sentence kept."""
    wrong = CHECKS[check](CASES[name], imported(name))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("name", "number"), ASKED)
def test_answers(name: str, number: int, imported: Callable[[str], Imported]) -> None:
    """The answer to a reader's question contains the fact the minutes state."""
    wrong = check_question(CASES[name], imported(name), number - 1)
    assert not wrong, "\n".join(wrong)


def test_case_files_are_the_corpus() -> None:
    """Every file in the folder has an expectation: none is silently left out of the figures."""
    files = {p.stem for p in REAL.iterdir() if p.suffix in SUFFIXES}
    assert files == set(CASES)


def test_the_sentence_check_reads_the_body_only(tmp_path: Path) -> None:
    """Frame and label lines are skipped, page debris is cut out even when glued to a sentence,
    and numbering and bullets are not part of a sentence."""
    path = tmp_path / "x.txt"
    path.write_text(
        "Kilde: https://example.org/x\nReferat af bestyrelsesmøde 1. maj 2020\nDirigent: Anna\n\n"
        " 1. Godkendelse:\n  • Godkendt. Anna sender det.Sidst opdateret 2. maj\nSkriv et svar\n",
        encoding="utf-8",
    )
    case = Case(
        "x",
        path,
        {"frame": ["Referat af", "Dirigent:"], "debris": ["Sidst opdateret 2. maj", "=Skriv et svar"]},
    )
    assert list(body_sentences(case)) == ["godkendelse", "godkendt", "anna sender det"]


def test_a_sentence_split_or_dropped_by_the_import_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(
        "Kilde: https://example.org/x\nStien ved søen får nyt lys. Det koster 5.000 kr.\n", encoding="utf-8"
    )
    case = Case("x", path, {})
    kept = Imported(0, "", cast(Store, None), _haystack="stien ved søen får nyt lys \n det koster 5 000 kr")
    split = Imported(0, "", cast(Store, None), _haystack="stien ved søen \n får nyt lys")
    assert check_sentences(case, kept) == []
    assert check_sentences(case, split) == [
        "lost: 'stien ved søen får nyt lys'",
        "lost: 'det koster 5 000 kr'",
    ]
    assert contains("a bc d", "bc d")
    assert not contains("a bc d", "c d")
