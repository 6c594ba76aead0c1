"""How the importer reads the corpus of real minutes (tests/fixtures/real/): the figures for
docs/benchmarks.md, and the cases it does not meet yet.

Imports every file into its own fresh archive, in-process as `referat import` does, and asks each
file's five questions as `referat ask` does (the checks are shared with tests/unit/test_real_minutes.py).

    .venv/bin/python -m bench.bench_corpus            # the figures, and a line for docs/benchmarks.md
    .venv/bin/python -m bench.bench_corpus --details  # also what is wrong, case by case
    .venv/bin/python -m bench.bench_corpus --gaps     # the failing cases, as KNOWN_GAPS lists them
    .venv/bin/python -m bench.bench_corpus --write    # also puts the figures in docs/benchmarks.md and README.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT  # also puts tests/ on sys.path, for support.corpus
from support.corpus import (
    CHECKS,
    body_sentences,
    cases,
    check_import,
    check_question,
    contains,
    import_case,
    migrated_template,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="print what is wrong in each failing case")
    parser.add_argument("--gaps", action="store_true", help="print only the failing cases, one a line")
    parser.add_argument(
        "--write", action="store_true", help="put the figures in docs/benchmarks.md and README.md"
    )
    args = parser.parse_args()

    corpus = cases()
    failing: dict[str, list[str]] = {}
    files = imported_files = refused_right = 0
    sentences = kept = questions = answered = 0
    checks_total = checks_met = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = migrated_template(folder)
        for case in corpus:
            files += 1
            got = import_case(case, template, folder)
            if wrong := check_import(case, got):
                failing[f"{case.name}::import"] = wrong
            if case.refused is not None:
                refused_right += not wrong
                continue
            imported_files += got.document is not None
            for sentence in body_sentences(case):
                sentences += 1
                kept += got.document is not None and contains(got.haystack, sentence)
            for name, check in CHECKS.items():
                checks_total += 1
                try:
                    wrong = check(case, got)
                except AssertionError as error:
                    wrong = [str(error)]
                checks_met += not wrong
                if wrong:
                    failing[f"{case.name}::{name}"] = wrong
            for number in range(len(case.questions)):
                questions += 1
                try:
                    wrong = check_question(case, got, number)
                except AssertionError as error:
                    wrong = [str(error)]
                answered += not wrong
                if wrong:
                    failing[f"{case.name}::q{number + 1}"] = wrong
            got.store.db.close()
    seconds = time.perf_counter() - started

    if args.gaps:
        for case_id in sorted(failing):
            print(case_id)
        return
    if args.details:
        for case_id in sorted(failing):
            print(case_id)
            for line in failing[case_id]:
                print(f"    {line[:400]}")
    refused = files - len([c for c in corpus if c.refused is None])
    figures = Figures(
        files=files,
        pdfs=sum(1 for c in corpus if c.path.suffix == ".pdf"),
        imported=imported_files,
        importable=files - refused,
        refused_right=refused_right,
        refused=refused,
        kept=kept,
        sentences=sentences,
        answered=answered,
        questions=questions,
        checks_met=checks_met,
        checks=checks_total,
        seconds=seconds,
    )
    print(f"files: {files} ({refused} to be refused)")
    print(f"imported: {imported_files}/{files - refused}; refused as expected: {refused_right}/{refused}")
    print(f"body sentences kept: {kept}/{sentences} ({figures.kept_pct:.1f} %)")
    print(f"questions answered with the fact: {answered}/{questions} ({figures.answered_pct:.1f} %)")
    print(f"reading checks met ({', '.join(CHECKS)}): {checks_met}/{checks_total}")
    print(f"failing cases: {len(failing)}; {seconds:.1f} s")
    print()
    print(figures.row())
    if args.write:
        figures.write()


@dataclass(frozen=True)
class Figures:
    files: int
    pdfs: int
    imported: int
    importable: int
    refused_right: int
    refused: int
    kept: int
    sentences: int
    answered: int
    questions: int
    checks_met: int
    checks: int
    seconds: float

    @property
    def kept_pct(self) -> float:
        return 100 * self.kept / max(self.sentences, 1)

    @property
    def answered_pct(self) -> float:
        return 100 * self.answered / max(self.questions, 1)

    def row(self) -> str:
        """The line of docs/benchmarks.md's table."""
        scanned = "refused by name" if self.refused_right == self.refused else "not yet refused by name"
        return (
            f"| real minutes, {self.files} files (tests/fixtures/real: {self.pdfs} of them PDFs, "
            f"{self.refused} a scan without text), {dt.datetime.now(dt.UTC).date()}, the importer as of main | "
            f"`python -m bench.bench_corpus` | {self.imported}/{self.importable} imported, the scan {scanned}; "
            f"body sentences kept {self.kept}/{self.sentences} ({self.kept_pct:.1f} %); questions answered "
            f"with the fact {self.answered}/{self.questions} ({self.answered_pct:.1f} %); reading checks "
            f"(frame, people, items, decisions, actions, sentences, debris) {self.checks_met}/{self.checks}; "
            f"{self.seconds:.1f} s | every file imports, every body sentence kept, ≥ 90 % answered |"
        )

    def write(self) -> None:
        """Replace the corpus line in docs/benchmarks.md and the corpus paragraph in README.md."""
        path = ROOT / "docs" / "benchmarks.md"
        text = path.read_text(encoding="utf-8")
        line = re.compile(r"^\| real minutes, .*$", re.MULTILINE)
        text = line.sub(lambda _: self.row(), text) if line.search(text) else text
        path.write_text(text, encoding="utf-8")
        path = ROOT / "README.md"
        paragraph = re.compile(
            r"\*\*Minutes written elsewhere\.\*\*.*?`python\s+-m\s+bench\.bench_corpus`\)\.\n", re.DOTALL
        )
        said = (
            f"**Minutes written elsewhere.** `referat import` is measured on {self.files} minutes published on "
            f"the web by councils, committees, ældreråd and handicapråd, lokalråd, school boards and associations "
            f"(`tests/fixtures/real/`, {self.pdfs} of them PDFs, one a scan): as of {dt.datetime.now(dt.UTC).date()}, "
            f"{self.imported} of {self.importable} import, {self.kept_pct:.1f} % of their body sentences are kept "
            f"and {self.answered_pct:.1f} % of {self.questions} reader's questions are answered with the fact; "
            f"the goals are all, all and 90 % ([benchmarks](docs/benchmarks.md), `python -m bench.bench_corpus`).\n"
        )
        text = path.read_text(encoding="utf-8")
        path.write_text(paragraph.sub(lambda _: _wrap(said), text), encoding="utf-8")


def _wrap(paragraph: str, width: int = 116) -> str:
    """The README's paragraphs are wrapped at its line length, code spans kept on one line."""
    words: list[str] = []
    for word in paragraph.split():
        if words and words[-1].count("`") % 2:  # inside a code span
            words[-1] += " " + word
        else:
            words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
