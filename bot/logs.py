"""Logging that is safe to keep: no request bodies, and nothing from input can start a log line.

Bolt writes whole request bodies into some of its messages (a refused signature, an unhandled
request, its default error handler). Bodies carry user text, `response_url`s and tokens, and an
unsigned flood would fill the disk, so those messages keep their first words and lose the body.
Every message is written with control characters escaped: a newline in a name or a body cannot
forge a line such as `INFO bot.approval: meeting 7 approved`. Tracebacks stay as they are.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.text.hygiene import escape_controls

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The start of every Bolt message that carries a request body (slack_bolt 1.30).
_BODY_MESSAGES = (
    "Invalid request signature detected",
    "Unhandled request",
    "request body",
    "Request body",
)


class SafeFormatter(logging.Formatter):
    """Formats the message with control characters shown as escapes."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


class LeaveOutBodies(logging.Filter):
    """Shortens Bolt's messages that would log a request body to their first words."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        for start in _BODY_MESSAGES:
            if message.startswith(start):
                record.msg = f"{start} (request body left out of the log)"
                record.args = ()
                break
        return True


def bolt_logger() -> logging.Logger:
    """The base logger handed to Bolt: every logger Bolt derives from it inherits the filter."""
    logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, LeaveOutBodies) for f in logger.filters):
        logger.addFilter(LeaveOutBodies())
    return logger


# Libraries that narrate their work at INFO and WARNING (WeasyPrint's layout, fontTools' font
# subsetting: some ninety lines per PDF; pyHanko's signing of a sealed one). What they report is not
# the operator's business; their errors still are.
QUIET_LIBRARIES = ("weasyprint", "fontTools", "pydyf", "pyhanko", "pyhanko_certvalidator")


def quiet_libraries() -> None:
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.ERROR)


def configure(level: int = logging.INFO) -> None:
    """The command line's logging: one stream handler on stderr with the safe formatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(FORMAT))
    handler.addFilter(LeaveOutBodies())
    logging.basicConfig(level=level, handlers=[handler])
    quiet_libraries()


class _OneLine(logging.Handler):
    """An error as one line for a person at a terminal; the traceback stays in the log file."""

    def __init__(self, note: Callable[[str], None], log_path: Path) -> None:
        super().__init__(logging.ERROR)
        self._note, self._path = note, log_path

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            message = escape_controls(record.getMessage())
            self._note(f"Botten loggede en fejl: {message}. Detaljer i {self._path}.")


class _LogFile(logging.FileHandler):
    """The console's log file. One that cannot be written (a read-only folder, a full disk) loses the
    record rather than printing logging's own traceback between the console's messages."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


@contextlib.contextmanager
def to_file(log_path: Path, note: Callable[[str], None]) -> Iterator[None]:
    """While the console runs: every record goes to `log_path` (tracebacks and all), and an error
    also reaches `note` as one line, so a traceback never lands between the console's messages."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    to_disk = _LogFile(log_path, encoding="utf-8", delay=True)
    to_disk.setFormatter(SafeFormatter(FORMAT))
    to_disk.addFilter(LeaveOutBodies())
    root.handlers = [to_disk, _OneLine(note, log_path)]
    root.setLevel(logging.INFO)
    quiet_libraries()
    try:
        yield
    finally:
        root.handlers = saved
        root.setLevel(level)
        to_disk.close()
