"""Looking at the plans PostgreSQL makes for the named SQL files, on a database with realistic volume.

`generic` shows the plan a connection reuses once psycopg has prepared a statement (the one made without
parameter values); `custom` runs EXPLAIN ANALYZE with the values; `reuse` runs a statement the way the
app does, through psycopg's automatic preparation, and says how PostgreSQL planned those executions.
"""
from __future__ import annotations

import re

import psycopg
from psycopg.rows import dict_row

from cruddur.db import sql

PARAM = re.compile(r"%\((\w+)\)s")
# a Sort node (a Merge Append's "Sort Key" only says in what order it merges rows already sorted)
SORT = re.compile(r"^\s*(->\s+)?(Incremental )?Sort\s+\(", re.M)


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
    text, names = positional(sql(name))
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
        cur.execute("EXPLAIN ANALYZE " + sql(name), params)
        return "\n".join(row[0] for row in cur.fetchall())


def reuse(url: str, name: str, runs: int = 12, **params) -> dict:
    """Execute the statement `runs` times on one fresh connection, as the app's pool does; PostgreSQL's
    count of generic (reused) and custom (planned again) executions of it."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(runs):
            with conn.cursor(row_factory=dict_row) as cur:
                cur.execute(sql(name), params).fetchall()
        row = conn.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                           "WHERE NOT from_sql").fetchone()
        assert row, f"psycopg did not prepare {name} after {runs} executions"
        return {"generic": row[0], "custom": row[1]}


def rows(conn: psycopg.Connection, text: str, **params) -> list[dict]:
    """What `text` answers with `params`, as dicts."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(text, params).fetchall()
