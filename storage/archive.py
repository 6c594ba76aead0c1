"""The archive's reads for questions, bound to one connection: the search facade on the store.

bot/archive/ asks the archive through `store.archive` and never holds the database: every query
it makes is one of these, with the scope it was decided for. Each is a function of
storage/search.py with the connection filled in, so the SQL stays in one module and the facade
cannot drift from it (the types are those of the functions themselves).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from storage import meeting_search, participation, search
from storage import vocabulary as words

if TYPE_CHECKING:
    from sqlite_utils import Database

P = ParamSpec("P")
R = TypeVar("R")


class _Bound(Generic[P, R]):
    """A storage.search function read as a method of `Archive`: its database argument bound."""

    def __init__(self, function: Callable[Concatenate[Database, P], R]) -> None:
        self.function = function

    def __get__(self, archive: Archive | None, owner: Any = None) -> Callable[P, R]:
        if archive is None:  # read on the class itself (introspection, a test's patch): the function
            return cast("Callable[P, R]", self.function)
        return cast("Callable[P, R]", functools.partial(self.function, archive.db))


class Archive:
    """Every read a question makes of the archive, on one connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._location: tuple[str | None] | None = None

    def location(self) -> str | None:
        """The database file's path; None for a database in memory (read once: every question asks)."""
        if self._location is None:
            found = (
                str(path)
                for _, name, path in self.db.execute("pragma database_list")
                if name == "main" and path
            )
            self._location = (next(found, None),)
        return self._location[0]

    def key(self) -> str:
        """What names this database in a process's caches: its path, or this connection in memory."""
        return self.location() or f"memory:{id(self.db.conn)}"

    def close(self) -> None:
        self.db.close()

    archive_channels = _Bound(search.archive_channels)
    closed_items = _Bound(search.closed_items)
    change_marker = _Bound(words.change_marker)
    read_vocabulary = _Bound(words.read_vocabulary)
    vocabulary_snapshot = _Bound(words.vocabulary_snapshot)
    save_vocabulary_snapshot = _Bound(words.save_vocabulary_snapshot)
    vocabulary = _Bound(words.vocabulary)
    people = _Bound(words.people)
    initials = _Bound(words.initials)
    meeting_count = _Bound(search.meeting_count)
    people_in = _Bound(participation.people_in)
    organisations = _Bound(participation.organisations)
    organisation_people = _Bound(participation.organisation_people)
    names_meeting = _Bound(meeting_search.names_meeting)
    find_meetings = _Bound(meeting_search.find_meetings)
    meeting_facts = _Bound(meeting_search.meeting_facts)
    item_hits = _Bound(search.item_hits)
    entries_saying = _Bound(search.entries_saying)
    search_entries = _Bound(search.search_entries)
    search_additions = _Bound(search.search_additions)
    live_terms = _Bound(search.live_terms)
    count_items = _Bound(search.count_items)
    related_items = _Bound(search.related_items)
