"""`query` runs a read as it is; anything else still meets sqlite-utils' guard and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.connection import ReadingDatabase, connect


def _db(tmp_path: Path) -> ReadingDatabase:
    db = connect(tmp_path / "r.db")
    assert isinstance(db, ReadingDatabase)
    db.execute("create table t (id integer primary key, name text)")
    db.execute("insert into t (name) values ('a'), ('b')")
    db.conn.commit()
    return db


def test_a_read_is_one_statement_with_rows_as_dicts(tmp_path: Path) -> None:
    db = _db(tmp_path)
    sent: list[str] = []
    db.conn.set_trace_callback(sent.append)
    rows = list(db.query("select id, name, name from t where id > ? order by id", [0]))
    cte = list(db.query("with x as (select name from t) select count(*) as n from x"))
    db.conn.set_trace_callback(None)
    # Columns named twice keep both, as sqlite-utils names them.
    assert rows == [{"id": 1, "name": "a", "name_2": "a"}, {"id": 2, "name": "b", "name_2": "b"}]
    assert cte == [{"n": 2}]
    assert sent == [
        "select id, name, name from t where id > 0 order by id",
        "with x as (select name from t) select count(*) as n from x",
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "update t set name = 'z'",
        "with x as (select 1) delete from t",
        "with x as (select 1) insert into t (name) select 'c' from x",
    ],
)
def test_a_statement_that_is_no_read_is_refused_and_undone(tmp_path: Path, sql: str) -> None:
    db = _db(tmp_path)
    with pytest.raises(ValueError, match="returns rows"):
        list(db.query(sql))
    assert [r["name"] for r in db.query("select name from t order by id")] == ["a", "b"]
