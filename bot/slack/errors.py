"""What the user is told when something unexpected fails, and the one guard for work after an ack.

Bolt 1.30 answers a slash command with 404 "unhandled request" when its listener raises after
`ack()` before Bolt has seen the ack, so Slack shows the user an error although the command was
acknowledged. Work after the ack therefore runs inside `after_ack`, which logs the traceback and
tells the user in words instead of letting the exception reach Bolt.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

APOLOGY = "Beklager, noget gik galt hos referat-botten. Fejlen er logget; prøv igen om lidt."
BUSY = "Databasen er optaget lige nu, så intet blev gemt. Prøv igen om et øjeblik."
DISK = "Databasen kunne ikke skrive (disken er fuld eller skrivebeskyttet). Intet blev gemt."


def user_message(error: BaseException) -> str:
    if isinstance(error, sqlite3.OperationalError):
        text = str(error)
        if "locked" in text:
            return BUSY
        # SQLITE_FULL ("database or disk is full") and SQLITE_READONLY ("attempt to write a readonly
        # database"): retrying will not help, the operator must act, and the user must know nothing was kept.
        if "full" in text or "readonly" in text:
            return DISK
    return APOLOGY


@contextmanager
def after_ack(respond: Callable[..., Any]) -> Iterator[None]:
    """Run the rest of an acknowledged command; an unexpected error is logged and told, not raised."""
    try:
        yield
    except Exception as error:
        log.exception("command failed after its acknowledgement")
        try:
            respond(response_type="ephemeral", text=user_message(error), replace_original=False)
        except Exception:
            log.exception("could not tell the user about the error")
