"""Import throughput: `referat import` of a folder of referater the size of the reference.

Writes N variants of one document (the shared reference referat when present beside the
checkout, else the project's own kredsråd fixture), each with its own date so none is a
duplicate, then imports the folder into a fresh database and prints meetings per second.

    .venv/bin/python -m bench.bench_import [--meetings 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import tempfile
import time
from pathlib import Path

from bench.common import ROOT
from bot.importing.run import import_paths
from bot.text.dates import format_long_da
from storage.store import StoreOpener

REFERENCE = ROOT.parent / "shared" / "reference" / "kredsraad-holstebro-2024-03-19.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "import" / "kredsraad-udtraek.txt"
TITLE_DATE = re.compile(r"den \d{1,2}\. [a-zæøå]+ \d{4}")


def variants(source: str, count: int, folder: Path) -> None:
    first = dt.date(2000, 1, 1)
    for n in range(count):
        day = first + dt.timedelta(days=n)
        stamp = f"den {format_long_da(day)}"
        (folder / f"referat-{n:05d}.txt").write_text(TITLE_DATE.sub(stamp, source, count=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=1000)
    args = parser.parse_args()
    source_path = REFERENCE if REFERENCE.exists() else FIXTURE
    source = source_path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        variants(source, args.meetings, folder)
        store = StoreOpener(Path(tmp) / "import.db")()
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        code = import_paths(store, [folder], out=out, err=err, now=dt.datetime.now(dt.UTC))
        elapsed = time.perf_counter() - start
        meetings = len(store.meetings())
        size = (Path(tmp) / "import.db").stat().st_size
    print(f"import of {args.meetings} documents like {source_path.name} ({len(source):,} chars each)")
    print(f"exit code {code}; meetings stored: {meetings}")
    print(f"{elapsed:.2f} s → {meetings / elapsed:.0f} meetings/s (goal ≥ 200)")
    print(f"database size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
