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

import pytest

from support.corpus import (
    CHECKS,
    REAL,
    SUFFIXES,
    Imported,
    cases,
    check_import,
    check_question,
    import_case,
    migrated_template,
)

KNOWN_GAPS = frozenset(
    line.strip()
    for line in """
aeldreraad-dragoer-2016-02-22::actions
aeldreraad-dragoer-2016-02-22::frame
aeldreraad-dragoer-2016-02-22::q2
aeldreraad-dragoer-2016-02-22::q3
aeldreraad-dragoer-2016-02-22::q4
aeldreraad-middelfart-2014-12-18::decisions
aeldreraad-middelfart-2014-12-18::q2
aeldreraad-middelfart-2014-12-18::q4
aeldreraad-middelfart-2014-12-18::sentences
bestyrelse-det-kolde-gys-2012-08-16::actions
bestyrelse-det-kolde-gys-2012-08-16::q4
generalforsamling-hf-groendal-2021-06-13::decisions
generalforsamling-hf-groendal-2021-06-13::people
generalforsamling-hf-groendal-2021-06-13::q2
grundejerforening-glenshoejparken-2015-11-11::actions
grundejerforening-glenshoejparken-2015-11-11::decisions
grundejerforening-glenshoejparken-2015-11-11::q2
grundejerforening-glenshoejparken-2015-11-11::q4
grundejerforening-glenshoejparken-2015-11-11::q5
grundejerforening-trondheimsvej-2016-04-19::decisions
grundejerforening-trondheimsvej-2016-04-19::items
grundejerforening-trondheimsvej-2016-04-19::people
grundejerforening-trondheimsvej-2016-04-19::q4
grundejerforening-trondheimsvej-2016-04-19::q5
lokalraad-lindved-2007-08-09::actions
lokalraad-lindved-2007-08-09::decisions
lokalraad-lindved-2007-08-09::items
lokalraad-lindved-2007-08-09::people
lokalraad-lindved-2007-08-09::q3
lokalraad-lindved-2007-08-09::q4
lokalraad-lindved-2007-08-09::q5
lokalraad-vestmoen-2014-03-04::actions
lokalraad-vestmoen-2014-03-04::q2
lokalraad-vestmoen-2014-03-04::q4
lokalraad-vestmoen-2014-03-04::q5
skolebestyrelse-skovboskolen-2004-09-07::decisions
skolebestyrelse-skovboskolen-2004-09-07::q3
skolebestyrelse-skovboskolen-2008-04-16::actions
skolebestyrelse-skovboskolen-2008-04-16::debris
skolebestyrelse-skovboskolen-2008-04-16::frame
skolebestyrelse-skovboskolen-2008-04-16::q2
skolebestyrelse-skovboskolen-2008-04-16::q4
skolebestyrelse-skovboskolen-2008-04-16::sentences
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
    # Raised to the goal (25 files, 8 kinds, 3 PDFs) as the corpus grows.
    assert len(CASES) >= 10
    assert len({case.expect["kind"] for case in CASES.values()}) >= 6
    assert sum(1 for case in CASES.values() if case.path.suffix == ".pdf") >= 0
    for case in CASES.values():
        assert str(case.expect["source"]).startswith("http"), case.name
        if case.path.suffix == ".txt":
            first = case.path.read_text(encoding="utf-8").splitlines()[0]
            assert first.startswith(f"Kilde: {case.expect['source']}"), case.name
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
    assert check_import(CASES[name], imported(name)) == []


@pytest.mark.parametrize(("name", "check"), READ)
def test_reads(name: str, check: str, imported: Callable[[str], Imported]) -> None:
    """What a careful reader finds: frame, people, items, decisions, actions; every sentence kept."""
    assert CHECKS[check](CASES[name], imported(name)) == []


@pytest.mark.parametrize(("name", "number"), ASKED)
def test_answers(name: str, number: int, imported: Callable[[str], Imported]) -> None:
    """The answer to a reader's question contains the fact the minutes state."""
    assert check_question(CASES[name], imported(name), number - 1) == []


def test_case_files_are_the_corpus() -> None:
    """Every file in the folder has an expectation: none is silently left out of the figures."""
    files = {p.stem for p in REAL.iterdir() if p.suffix in SUFFIXES}
    assert files == set(CASES)
