"""Time and peak memory of `referat import` on hostile Word files: a zip bomb and countless paragraphs.

The zip bomb is a 1.5 MB .docx whose document part unpacks to about 1.5 GB; the other is a
.docx of tiny paragraphs, each under the size limits. Both must be refused quickly and small,
and a good referat beside them must still import. Each import runs as its own process, so its
peak RSS is its own.

    python -m bench.bench_hostile_import
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import ROOT

GOOD = ROOT / "tests" / "fixtures" / "import" / "kredsraad-udtraek.txt"


def zip_bomb(path: Path, unpacked_mb: int = 1500) -> None:
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(unpacked_mb):
                part.write(chunk)


def tiny_paragraphs(path: Path, count: int = 120_000) -> None:
    body = "<w:document><w:body>" + "<w:p/>" * count + "</w:body></w:document>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)


def run_import(folder: Path, db: Path) -> tuple[float, float, str]:
    """Seconds, the child's peak RSS in MB, and its report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(folder)],
        env={"REFERAT_DB": str(db), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.stdout + done.stderr


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "arkiv"
        folder.mkdir()
        zip_bomb(folder / "bombe.docx")
        tiny_paragraphs(folder / "afsnit.docx")
        shutil.copy(GOOD, folder / "godt.txt")
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        seconds, peak, report = run_import(folder, Path(tmp) / "r.db")
    print(report.strip())
    print(
        f"referat import of a {sizes['bombe.docx'] / 1e6:.1f} MB zip bomb (≈1.5 GB unpacked), a "
        f"{sizes['afsnit.docx'] / 1e3:.0f} kB .docx of 120,000 paragraphs and one good referat: "
        f"{seconds:.2f} s, peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
