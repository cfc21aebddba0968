"""Looking at the plans PostgreSQL makes for the named SQL files, on a database with realistic volume.

`generic` shows the plan a connection reuses once psycopg has prepared a statement (the one made without
parameter values); `custom` runs EXPLAIN ANALYZE with the values; `reuse` runs a statement the way the
app does, through psycopg's automatic preparation, and says how PostgreSQL planned those executions.
"""
from __future__ import annotations

import json
import re

import psycopg
from psycopg.rows import dict_row

from cruddur.db import prepare, sql, statement

PARAM = re.compile(r"%\((\w+)\)s")
# a Sort node (a Merge Append's "Sort Key" only says in what order it merges rows already sorted)
SORT = re.compile(r"^\s*(->\s+)?(Incremental )?Sort\s+\(", re.M)


def anonymous(text: str, params: dict) -> dict:
    """`params`, read by nobody in particular unless they say whom: queries of cruds take the reader's sub
    (db/sql/fragments/viewer_marks.sql)."""
    return {"viewer_sub": None, **params} if "%(viewer_sub)s" in text else params


def positional(text: str) -> tuple[str, list[str]]:
    """The SQL with %(name)s turned into $1, $2 … (PREPARE's form) and the names in that order."""
    names: list[str] = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return PARAM.sub(number, text), names


def generic(conn: psycopg.Connection, name: str, **params) -> str:
    """The reusable plan of db/sql/<name>.sql, executed with `params` (EXPLAIN ANALYZE text)."""
    params = anonymous(sql(name), params)
    text, names = positional(statement(name, params))
    conn.execute("DEALLOCATE ALL")
    conn.execute(f"PREPARE plan_probe AS {text}")
    conn.execute("SET plan_cache_mode = force_generic_plan")
    try:
        with psycopg.ClientCursor(conn) as cur:
            cur.execute(f"EXPLAIN ANALYZE EXECUTE plan_probe({', '.join(['%s'] * len(names))})",
                        [params[n] for n in names])
            return "\n".join(row[0] for row in cur.fetchall())
    finally:
        conn.execute("RESET plan_cache_mode")
        conn.execute("DEALLOCATE plan_probe")


def custom(conn: psycopg.Connection, name: str, **params) -> str:
    """The plan made for these very values (EXPLAIN ANALYZE text)."""
    with psycopg.ClientCursor(conn) as cur:
        params = anonymous(sql(name), params)
        cur.execute("EXPLAIN ANALYZE " + statement(name, params), params)
        return "\n".join(row[0] for row in cur.fetchall())


def reuse(url: str, name: str, runs: int = 12, **params) -> dict:
    """Execute the statement `runs` times on one fresh connection, as the app's pool does; PostgreSQL's
    count of generic (reused) and custom (planned again) executions of it."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(runs):
            with conn.cursor(row_factory=dict_row) as cur:
                text = statement(name, anonymous(sql(name), params))
                cur.execute(text, anonymous(sql(name), params), prepare=prepare(text)).fetchall()
        row = conn.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                           "WHERE NOT from_sql").fetchone()
        # a statement never prepared is planned for its values every time
        return {"generic": row[0], "custom": row[1]} if row else {"generic": 0, "custom": runs}


def rows(conn: psycopg.Connection, text: str, **params) -> list[dict]:
    """What `text` answers with `params`, as dicts. A feed's row is the item as the API sends it (the JSON
    PostgreSQL built, read) under the row's own columns, its place in the feed, which keep their types."""
    with conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(text, anonymous(text, params)).fetchall()
    return [{**json.loads(row.pop("item")), **row} if "item" in row else row for row in found]


def keys(rows: list[dict], *names: str) -> list[tuple]:
    """Each row's uuid and `names`, as text: a feed's rows and its plain definition's compare on these (what a
    crud's JSON holds is tests/test_sql_json.py's)."""
    return [tuple(str(row[name]) for name in ("uuid", *names)) for row in rows]
