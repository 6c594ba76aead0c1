"""Laying out a PDF in a child process of its own: bounded in time and memory, off the server's threads.

WeasyPrint lays out a long referat in pure Python for seconds to tens of seconds and takes a hundred
megabytes or more while it does. In the server's own process that holds the interpreter lock against
the threads that must acknowledge commands within Slack's 3 seconds, and the memory stays with the
process afterwards. So the Slack paths lay out in a child, `python -m bot.referat.isolated`: the
HTML (built in the server, cheap and pure) and any attachments go in on stdin, the PDF comes back on stdout, the
child caps its own address space before it imports WeasyPrint, and it is killed at the deadline.
A fresh interpreter rather than a fork: forking a process with running threads is unsafe, and the
import it costs (about a second) is small beside the layout.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from collections.abc import Sequence

from bot.referat.pdf import Attached, PdfUnavailable

PDF_SECONDS = 90.0
PDF_MEMORY_BYTES = 1024 * 1024 * 1024  # address space, which counts the libraries mapped too
_OUT_OF_MEMORY = 3
_UNAVAILABLE = 4


class PdfNotFinished(Exception):
    """The layout did not finish within its time or memory; the message (Danish) says which."""


def pdf_in_child(
    document: str,
    attachments: Sequence[Attached] = (),
    *,
    seconds: float | None = None,
    memory: int | None = None,
) -> bytes:
    """`html_to_pdf(document, attachments)` laid out in a child; PdfNotFinished past `seconds` or
    `memory` bytes (by default PDF_SECONDS and PDF_MEMORY_BYTES, read at each call)."""
    seconds = PDF_SECONDS if seconds is None else seconds
    memory = PDF_MEMORY_BYTES if memory is None else memory
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.referat.isolated", str(memory)],
            # Our own child reads what only this process wrote: pickle carries the attachments as they are.
            input=pickle.dumps((document, tuple(attachments))),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfNotFinished(
            f"PDF'en kunne ikke sættes op inden for {seconds:.0f} sekunder, så intet er lagt i "
            "kanalen. Hent referatet som Word (`/referat eksport docx`), eller bed driften om "
            "`referat export --format pdf` på serveren."
        ) from None
    if done.returncode == 0 and done.stdout.startswith(b"%PDF"):
        return done.stdout
    if done.returncode == _UNAVAILABLE:
        raise PdfUnavailable(done.stderr.decode("utf-8", "replace").strip())
    # Out of memory (MemoryError, or killed by the system): in practice what ends a child early.
    raise PdfNotFinished(
        f"PDF'en er for stor til at blive sat op her (over {memory // (1024 * 1024)} MB hukommelse), så "
        "intet er lagt i kanalen. Hent referatet som Word (`/referat eksport docx`), eller bed driften "
        "om `referat export --format pdf` på serveren."
    )


def _child(argv: list[str]) -> int:
    memory = int(argv[1]) if len(argv) > 1 else PDF_MEMORY_BYTES
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from bot.referat.pdf import html_to_pdf

    document, attachments = pickle.loads(sys.stdin.buffer.read())
    try:
        pdf = html_to_pdf(document, attachments)
    except MemoryError:
        return _OUT_OF_MEMORY
    except PdfUnavailable as error:
        print(error, file=sys.stderr)
        return _UNAVAILABLE
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv))
