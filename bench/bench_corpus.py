"""How the importer reads the corpus of real minutes (tests/fixtures/real/): the figures for
docs/benchmarks.md, and the cases it does not meet yet.

Imports every file into its own fresh archive, in-process as `referat import` does, and asks each
file's five questions as `referat ask` does (the checks are shared with tests/unit/test_real_minutes.py).

    .venv/bin/python -m bench.bench_corpus            # the figures, and a line for docs/benchmarks.md
    .venv/bin/python -m bench.bench_corpus --details  # also what is wrong, case by case
    .venv/bin/python -m bench.bench_corpus --gaps     # the failing cases, as KNOWN_GAPS lists them
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import common  # noqa: F401  (puts tests/ on sys.path, for support.corpus)
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
    print(f"files: {files} ({refused} to be refused)")
    print(f"imported: {imported_files}/{files - refused}; refused as expected: {refused_right}/{refused}")
    print(f"body sentences kept: {kept}/{sentences} ({100 * kept / max(sentences, 1):.1f} %)")
    print(
        f"questions answered with the fact: {answered}/{questions} ({100 * answered / max(questions, 1):.1f} %)"
    )
    print(
        f"reading checks met (frame, people, items, decisions, actions, sentences, debris): {checks_met}/{checks_total}"
    )
    print(f"failing cases: {len(failing)}; {seconds:.1f} s")
    print()
    print(
        f"| real minutes, {files} files (tests/fixtures/real) | `python -m bench.bench_corpus` | "
        f"{imported_files}/{files - refused} imported, {refused_right}/{refused} refused as expected; "
        f"body sentences kept {kept}/{sentences} ({100 * kept / max(sentences, 1):.0f} %); "
        f"questions answered {answered}/{questions} ({100 * answered / max(questions, 1):.0f} %); "
        f"reading checks {checks_met}/{checks_total} | every file imports, every sentence kept, "
        f"≥ 90 % answered |"
    )


if __name__ == "__main__":
    main()
