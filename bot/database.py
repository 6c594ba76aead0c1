"""Opening REFERAT_DB for every entry point, and the one Danish line when it cannot be used.

A database that is not SQLite, a folder that does not exist, a directory, or a device such as
/dev/null given as REFERAT_DB used to end `serve`, `ask`, `verify`, `meetings` and the rest in a
traceback from the first SQL statement. Every entry point opens the file here instead, so the
operator reads what the path is and what to do, and the command exits with code 2.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from bot.text.files import file_kind
from storage.errors import ReferatError

if TYPE_CHECKING:
    from storage.seal import Seal
    from storage.store import StoreOpener

FIX = "Sæt REFERAT_DB til en SQLite-fil i en mappe, der findes (filen oprettes, hvis den mangler)."


class DatabaseUnusable(ReferatError):
    """REFERAT_DB cannot be opened as the bot's database; the message is one Danish line."""


def open_database(path: Path, seal: Seal | None = None) -> StoreOpener:
    """A `StoreOpener` on `path`, migrated; `DatabaseUnusable` when the file cannot serve."""
    from storage.store import StoreOpener

    why = _why_not(path)
    if why is None:
        try:
            return StoreOpener(path, seal)
        except sqlite3.DatabaseError as error:
            why = "filen er ikke en SQLite-database" if "not a database" in str(error) else str(error)
        except OSError as error:
            why = error.strerror or str(error)
    raise DatabaseUnusable(f"Kan ikke bruge databasen {path}: {why}. {FIX}")


def _why_not(path: Path) -> str | None:
    """What is wrong with `path` that can be told before SQLite tries it; None when nothing is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        folder = path.parent
        if not folder.is_dir():
            return f"mappen {folder} findes ikke"
        return None
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return "stien er en mappe, ikke en fil"
    if not stat.S_ISREG(mode):
        return f"stien er {file_kind(mode)}, ikke en fil"
    return None
