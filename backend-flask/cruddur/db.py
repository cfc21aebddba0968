"""The PostgreSQL pool and the SQL files: callers see `array`, `object`, `value` and `commit`.

SQL lives in db/sql/<area>/<name>.sql, read once and cached; parameters are always bound by psycopg
as %(name)s, never formatted into the text. Text is put in only when a file is read, written {{name}}: a
constant of the code's own (TEMPLATE_VALUES; a plan PostgreSQL reuses needs it fixed) or else the fragment
db/sql/fragments/<name>.sql, SQL that several queries share (how a crud's JSON is built, for one).
"""
from __future__ import annotations

import atexit
import functools
import re
import threading
from pathlib import Path

import psycopg
from flask import Flask, current_app
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

from cruddur import paging
from cruddur.errors import Unavailable
from cruddur.readiness import register_readiness_check

SQL_ROOT = Path(__file__).resolve().parent.parent / "db" / "sql"
CONNECT_TIMEOUT_SECONDS = 5
CHECKOUT_TIMEOUT_SECONDS = 5
# a load balancer's health check gives up after a few seconds; answer before it does
READINESS_TIMEOUT_SECONDS = 2
# api_time_format: to_char's spelling of a time in UTC as cruddur.http.iso writes it (milliseconds, Z), for the
# objects PostgreSQL writes as JSON (fragments/crud_columns.sql, profile_columns.sql; tests/test_sql_json.py).
TEMPLATE_VALUES = {"page_ceiling": str(paging.SQL_CEILING), "count_ceiling": str(paging.COUNT_CEILING),
                   "api_time_format": """'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"""}
_TEMPLATE_NAME = re.compile(r"\{\{(\w+)\}\}")
_COMMENT_LINE = re.compile(r"^\s*--.*\n", re.M)
# A query whose best plan depends on its values says so in its file; psycopg otherwise prepares a statement
# after a few executions, and PostgreSQL may then reuse a plan made without them.
PLAN_EVERY_EXECUTION = "-- cruddur: plan every execution\n"
_UNPREPARED: set[str] = set()


@functools.cache
def sql(name: str, anonymous: bool = False) -> str:
    """The text of db/sql/<name>.sql (e.g. "activities/home"), as sent: without its comment lines, which are for
    readers (they would cross the wire with every unprepared statement, and psycopg caches its parse of a
    statement only up to 4 KiB). `anonymous`: the statement for a reader who is nobody, each fragment taken
    in its fragments/<name>.anonymous.sql form where it has one (nothing to look up about the reader)."""
    path = (SQL_ROOT / f"{name}.sql").resolve()
    if SQL_ROOT not in path.parents:
        raise ValueError(f"SQL name {name!r} leaves {SQL_ROOT}")
    written = path.read_text()
    text = _TEMPLATE_NAME.sub(lambda found: TEMPLATE_VALUES.get(found.group(1)) or _fragment(found.group(1), anonymous),
                              _COMMENT_LINE.sub("", written))
    if PLAN_EVERY_EXECUTION in written:
        _UNPREPARED.add(text)
    return text


def _fragment(name: str, anonymous: bool) -> str:
    if anonymous and (SQL_ROOT / "fragments" / f"{name}.anonymous.sql").exists():
        return sql(f"fragments/{name}.anonymous")
    return sql(f"fragments/{name}", anonymous)


def statement(name: str, params: dict) -> str:
    """The text a query by that name runs with these params: a read for an anonymous reader (viewer_sub None)
    runs the statement that asks nothing about them."""
    return sql(name, "viewer_sub" in params and params["viewer_sub"] is None)


def prepare(text: str) -> bool | None:
    """psycopg's `prepare` for this SQL: never, or when psycopg sees fit."""
    return False if text in _UNPREPARED else None


class _StaleConnection(Exception):
    """A pooled connection the server had already closed (a restart, a failover)."""


class Database:
    """Named queries over the pool."""

    def __init__(self, pool: ConnectionPool, checkout_timeout: float = CHECKOUT_TIMEOUT_SECONDS):
        self.pool = pool
        self.checkout_timeout = checkout_timeout
        self._open_lock = threading.Lock()

    def _ensure_open(self) -> None:
        # A pool handed over closed opens in the process that first uses it: gunicorn builds the app once in
        # its master and forks the workers from it (gunicorn.conf.py, preload_app), and connections and the
        # pool's threads must belong to a worker, never be shared across a fork.
        with self._open_lock:
            if self.pool.closed:
                self.pool.open(wait=False)

    def _attempt(self, text: str, params: dict, fetch, timeout: float):
        if self.pool.closed:
            self._ensure_open()
        try:
            with self.pool.connection(timeout=timeout) as conn:
                try:
                    with conn.cursor(row_factory=dict_row) as cur:
                        cur.execute(text, params, prepare=prepare(text))
                        return fetch(cur)
                except psycopg.OperationalError as err:
                    if conn.broken:
                        raise _StaleConnection() from err
                    raise
        except (PoolTimeout, psycopg.OperationalError) as err:
            raise Unavailable("database_unavailable", "The database is not answering; try again shortly.") \
                from err

    def _run(self, text: str, params: dict, fetch, timeout: float | None = None):
        # Connections are not pinged on every checkout (a round trip per request); a dead one shows up
        # on first use instead, before anything was committed. One dead connection means the server went
        # away, so every idle one is checked, and the statement runs once more on a live connection.
        timeout = self.checkout_timeout if timeout is None else timeout
        try:
            return self._attempt(text, params, fetch, timeout)
        except _StaleConnection:
            self.pool.check()
            try:
                return self._attempt(text, params, fetch, timeout)
            except _StaleConnection as err:
                raise Unavailable("database_unavailable", "The database is not answering; try again shortly.") \
                    from err.__cause__

    def array(self, name: str, **params) -> list[dict]:
        """Every row the query returns."""
        return self._run(statement(name, params), params, lambda cur: cur.fetchall())

    def object(self, name: str, **params) -> dict | None:
        """The first row, or None."""
        return self._run(statement(name, params), params, lambda cur: cur.fetchone())

    def value(self, name: str, **params):
        """The first column of the first row, or None."""
        row = self.object(name, **params)
        return next(iter(row.values())) if row else None

    def commit(self, name: str, **params) -> dict | None:
        """Run a write (one statement, so one transaction); the first RETURNING row, or None."""
        return self._run(sql(name), params, lambda cur: cur.fetchone() if cur.description else None)

    def ping(self) -> None:
        """Raise unless PostgreSQL answers now (the pool's own error names why)."""
        try:
            self._run("SELECT 1", {}, lambda cur: cur.fetchone(),
                      timeout=min(READINESS_TIMEOUT_SECONDS, self.checkout_timeout))
        except Unavailable as err:
            raise err.__cause__ or err from None

    def close(self) -> None:
        self.pool.close()


class _CappedBackoff(AttemptWithBackoff):
    """Reconnection waits that double from 1 s but never pass MAX_DELAY (the library's grow to minutes),
    so a database back from a restart or failover is used again within seconds."""
    MAX_DELAY = 2.0

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, self.MAX_DELAY)


class _Pool(ConnectionPool):
    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        super()._add_connection(attempt or _CappedBackoff(timeout=self.reconnect_timeout), growing=growing)


def connect_pool(url: str, min_size: int = 1, max_size: int = 10, open_now: bool = True) -> ConnectionPool:
    # open(wait=False): a database that is down at start-up makes readiness fail, not the process.
    # autocommit: every use of a connection is one statement, which is its own transaction; without it
    # psycopg wraps each in BEGIN … COMMIT, two more round trips per request for no added safety.
    pool = _Pool(url, min_size=min_size, max_size=max_size, open=False,
                 kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "autocommit": True},
                 name="cruddur")
    if open_now:
        pool.open(wait=False)
    return pool


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    # opened on first use, in the process that serves (Database._ensure_open)
    database = Database(connect_pool(settings.connection_url, settings.pool_min_size, settings.pool_max_size,
                                     open_now=False))
    app.extensions["cruddur.db"] = database
    register_readiness_check(app, "database", database.ping)
    atexit.register(database.close)


def db() -> Database:
    return current_app.extensions["cruddur.db"]
