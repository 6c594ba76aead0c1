"""Who took part, as a question reads it: which names sat in a readable meeting, which organisations
did, and who sat for them.

Split from storage/search.py, which holds the searches of what was said; these read only the
participant lists. Every function takes the reader's `Scope` and stays inside it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storage.scope import Scope, Sql, scope_on_meeting

if TYPE_CHECKING:
    from sqlite_utils import Database


def people_in(db: Database, names: Sequence[str], scope: Scope) -> set[str]:
    """Which of the names were participants (or sent apologies) in a meeting of the scope."""
    if not names or scope.nothing:
        return set()
    # Per name, the first readable meeting settles it: a role names dozens of people with hundreds
    # of meetings each, and reading them all was most of such a question's time.
    sql = (
        Sql()
        .add(
            "select j.value from json_each(?) j where exists (select 1 from participants p "
            "join meetings m on m.id = p.meeting_id where p.name = j.value",
            json.dumps(sorted(set(names))),
        )
        .extend(scope_on_meeting(scope, "m"))
        .add(")")
    )
    return {str(r[0]) for r in db.execute(sql.text, sql.params)}


def organisations(db: Database, scope: Scope) -> list[str]:
    """The organisations participants sat for in a meeting of the scope.

    Walked one name at a time through the organisation index (m077): a few dozen look-ups, where
    reading every participant row took half a second at 100,000 meetings, for every question.
    """
    if scope.nothing:
        return []
    # Whether an organisation sat in a readable meeting (its name is the statement's first parameter).
    check = (
        Sql()
        .add("select 1 from participants p join meetings m on m.id = p.meeting_id where p.organisation = ?")
        .extend(scope_on_meeting(scope, "m"))
        .add("limit 1")
    )
    found: list[str] = []
    last = ""
    while True:
        after = db.execute(
            "select min(organisation) from participants where organisation > ?", [last]
        ).fetchone()[0]
        if after is None:
            return found
        last = str(after)
        if db.execute(check.text, [last, *check.params]).fetchone() is not None:
            found.append(last)


def organisation_people(
    db: Database, bodies: Sequence[str], scope: Scope
) -> list[tuple[str, str, str | None]]:
    """(organisation, name, title) of everyone who sat for one of `bodies` in a meeting of the scope."""
    if scope.nothing or not bodies:
        return []
    sql = (
        Sql()
        .add(
            "select distinct p.organisation, p.name, p.title from participants p "
            f"join meetings m on m.id = p.meeting_id where p.organisation in ({', '.join('?' for _ in bodies)})",
            *bodies,
        )
        .extend(scope_on_meeting(scope, "m"))
    )
    return [(str(r[0]), str(r[1]), r[2]) for r in db.execute(sql.text, sql.params)]
