"""What the organisation's seal costs: approving with a signed link, checking the chain, sealing a PDF.

In-process, on a fresh database in bench/out/: approves N meetings with and without the seal (EC
P-256 and RSA 3072), runs `verify_archive` over the sealed archive, and renders, seals and checks one
approved referat's PDF (pyHanko). Prints the figures for docs/benchmarks.md.

    .venv/bin/python -m bench.bench_seal [--meetings 300]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time

from cryptography.hazmat.primitives.asymmetric import rsa

from bench.common import OUT
from bot.archive.verify import verify_archive
from bot.archive.verify_pdf import verify_pdf
from bot.meeting.export import export_bytes
from bot.referat.sealing import check_pdf
from storage import chain, covered
from storage.seal import Seal
from storage.store import Store, StoreOpener
from support.seals import APPROVED, MadeSeal, approve_meeting, make_seal  # type: ignore[import-not-found]


def approvals(store: Store, count: int) -> list[float]:
    """Milliseconds per approved meeting (setup, draft, approval, finalize with its link)."""
    times = []
    for n in range(count):
        start = time.perf_counter()
        approve_meeting(store, f"Møde {n}", channel=f"C{n}")
        times.append((time.perf_counter() - start) * 1000)
    return times


def rsa_seal(made: MadeSeal) -> Seal:
    """An RSA 3072 key under the same certificate shape (the chain is only checked by verify)."""
    return Seal(rsa.generate_private_key(public_exponent=65537, key_size=3072), made.seal.chain)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=300)
    args = parser.parse_args()
    folder = OUT / "seal"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    made = make_seal()
    for name, seal in (("no seal", None), ("EC P-256", made.seal), ("RSA 3072", rsa_seal(made))):
        store = StoreOpener(folder / f"{name.replace(' ', '-')}.db", seal)()
        times = approvals(store, args.meetings)
        print(
            f"approve a meeting, {name}: median {statistics.median(times):.2f} ms ({args.meetings} meetings)"
        )
    for name, seal in (("EC P-256", made.seal), ("RSA 3072", rsa_seal(made))):
        start = time.perf_counter()
        for n in range(1000):
            seal.sign(chain.signed_bytes(f"{n:064x}"))
        print(f"sign one link, {name}: {(time.perf_counter() - start):.3f} ms (mean of 1000)")
    store = StoreOpener(folder / "EC-P-256.db", made.seal)()
    start = time.perf_counter()
    for _ in range(100):
        covered.covered_digest(store.db, chain.KIND_REFERAT, 1)
    print(
        f"digest of what a reader sees of one referat: {(time.perf_counter() - start) * 10:.2f} ms (mean of 100)"
    )
    start = time.perf_counter()
    result = verify_archive(store, made.seal.chain)
    print(
        f"verify_archive, {result.links} sealed links: {(time.perf_counter() - start) * 1000:.0f} ms "
        f"(whole: {result.whole})"
    )
    unsealed = StoreOpener(folder / "no-seal.db")()
    export_bytes(unsealed, 2, "pdf", now=APPROVED)  # the first render loads WeasyPrint and the fonts
    start = time.perf_counter()
    plain, _ = export_bytes(unsealed, 1, "pdf", now=APPROVED)
    print(
        f"export of an approved PDF, unsealed: {(time.perf_counter() - start) * 1000:.0f} ms, {len(plain)} bytes"
    )
    start = time.perf_counter()
    pdf, _ = export_bytes(store, 1, "pdf", now=APPROVED)
    print(
        f"export of a sealed PDF (render + seal): {(time.perf_counter() - start) * 1000:.0f} ms, {len(pdf)} bytes"
    )
    start = time.perf_counter()
    checked = check_pdf(pdf, made.seal.chain)
    print(
        f"check_pdf (pyHanko validation): {(time.perf_counter() - start) * 1000:.0f} ms, trusted {checked.trusted}"
    )
    start = time.perf_counter()
    verdict = verify_pdf(store, pdf, made.seal.chain, now=APPROVED)
    print(
        f"verify --pdf (validation + export again): {(time.perf_counter() - start) * 1000:.0f} ms, {verdict.genuine}"
    )


if __name__ == "__main__":
    main()
