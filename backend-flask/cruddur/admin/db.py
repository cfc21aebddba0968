"""The database commands behind bin/db/*, and the volume loader the plan tests and the benchmark share.

Each acts on CONNECTION_URL, or on PROD_CONNECTION_URL when `prod` follows its name. Whatever deletes data
(drop, setup) refuses production unless `--confirm <database name>` repeats the name: one recalled shell
line must never wipe production.

Two families keep the words they always printed: the chores (test, migrate, rollback, and cognito's
update-cognito-user-ids) explain a refused connection in an operator's terms, and the verbs (create, drop,
schema-load, seed, setup, sessions, kill-all, connect) name the database they act on.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from cruddur import migrations
from cruddur.admin.console import Console, Failure
from cruddur.db import CONNECT_TIMEOUT_SECONDS

SEED = Path(__file__).resolve().parents[2] / "db" / "seed.sql"
VOLUME = SEED.with_name("volume.sql")
MAINTENANCE_DB = "postgres"


def where(parser) -> None:
    parser.add_argument("where", nargs="?", choices=("prod",), help="act on PROD_CONNECTION_URL")


def confirm(parser) -> None:
    where(parser)
    parser.add_argument("--confirm", metavar="DATABASE", help="the production database's name")


def steps(parser) -> None:
    where(parser)
    parser.add_argument("--steps", type=int, default=1)


def chore_url(args, console: Console) -> str:
    variable, url = console.settings.database(args.where == "prod")
    if not url:
        raise Failure(f"{variable} is not set (postgresql://user:password@host:port/db)")
    return url


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


def explain(err: psycopg.OperationalError, url: str) -> str:
    """Why a connection failed, in the words an operator needs (the server's own text is kept)."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    lowered = str(err).lower()
    hints = (
        ("password authentication failed", "the user name or password is wrong"),
        ("does not exist", "the server answers but that database or role does not exist"),
        ("connection refused", "nothing listens at that host and port (is PostgreSQL running?)"),
        ("could not translate host name", "the host name does not resolve (DNS)"),
        ("name or service not known", "the host name does not resolve (DNS)"),
        ("timeout", "the host did not answer in time (security group, firewall or wrong address?)"),
        ("no pg_hba.conf entry", "the server refuses this client address or requires SSL"),
        ("ssl", "the server and client disagree about SSL"),
    )
    why = next((hint for needle, hint in hints if needle in lowered), "the server refused the connection")
    return f"cannot connect to {redacted(url)}: {why} ({text})"


@contextlib.contextmanager
def explained(url: str):
    try:
        yield
    except psycopg.OperationalError as err:
        raise Failure(explain(err, url)) from None


def test(args, console: Console) -> None:
    url = chore_url(args, console)
    with explained(url), psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    console.out.write(f"connected to {redacted(url)} (PostgreSQL {version})\n")


def migrate(args, console: Console) -> None:
    url = chore_url(args, console)
    with explained(url):
        done = migrations.migrate(url)
    console.out.write(("applied: " + ", ".join(done) if done else "schema is up to date") + "\n")


def rollback(args, console: Console) -> None:
    url = chore_url(args, console)
    with explained(url):
        undone = migrations.rollback(url, args.steps)
    console.out.write(("rolled back: " + ", ".join(undone) if undone else "nothing to roll back") + "\n")


@dataclass(frozen=True)
class Target:
    url: str
    production: bool

    @property
    def name(self) -> str:
        return conninfo_to_dict(self.url).get("dbname") or ""

    @property
    def server(self) -> str:
        """The same server, reached through its maintenance database (to create or drop this one)."""
        return make_conninfo(self.url, dbname=MAINTENANCE_DB)

    @property
    def label(self) -> str:
        return f"{'production' if self.production else 'local'} database {self.name!r}"


def target_of(args, console: Console) -> Target:
    variable, url = console.settings.database(args.where == "prod")
    if not url:
        raise Failure(f"{variable} is not set; it names the database to act on")
    target = Target(url, args.where == "prod")
    if not target.name:
        raise Failure(f"{variable} names no database (expected postgresql://user@host:port/<database>)")
    return target


def verb(work):
    """A command from `work(target, out, …)`: the target from the environment, a refused connection named."""
    def run(args, console: Console) -> None:
        target = target_of(args, console)
        extra = {"confirm": args.confirm} if "confirm" in args else {}
        try:
            work(target, console.out, **extra)
        except psycopg.OperationalError as failure:
            raise Failure(f"cannot reach the {target.label}: {' '.join(str(failure).split())}") from None
    return run


def exists(target: Target) -> bool:
    with psycopg.connect(target.server, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.name,)).fetchone() is not None


def create(target: Target, out: TextIO) -> None:
    if exists(target):
        out.write(f"{target.label} already exists\n")
        return
    with psycopg.connect(target.server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                     .format(sql.Identifier(target.name)))
    out.write(f"created {target.label}\n")


def require_confirmation(target: Target, confirm: str | None) -> None:
    if target.production and confirm != target.name:
        raise Failure(f"refusing to delete the {target.label}: "
                      f"repeat its name to confirm (--confirm {target.name})")


def drop(target: Target, out: TextIO, confirm: str | None = None) -> None:
    require_confirmation(target, confirm)
    with psycopg.connect(target.server, autocommit=True) as conn:
        # FORCE ends the sessions still using it (a running backend, an open psql).
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))
    out.write(f"dropped {target.label}\n")


def schema_load(target: Target, out: TextIO) -> None:
    applied = migrations.migrate(target.url)
    out.write(f"schema of {target.label}: "
              f"{'applied ' + ', '.join(applied) if applied else 'already up to date'}\n")


def seed(target: Target, out: TextIO) -> None:
    """Load the demo users and their cruds (repeatable: a second run changes nothing)."""
    with psycopg.connect(target.url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        conn.execute(SEED.read_text())
    out.write(f"seeded {target.label} from {SEED.name}\n")


def is_empty(target: Target) -> bool:
    """True when the schema is loaded but no user exists yet (a seed is due)."""
    with psycopg.connect(target.url) as conn:
        return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM users)").fetchone()[0]


def setup(target: Target, out: TextIO, confirm: str | None = None) -> None:
    """A fresh database: drop, create, schema-load, seed."""
    drop(target, out, confirm)
    create(target, out)
    schema_load(target, out)
    seed(target, out)


SESSIONS = """
SELECT pid, usename, application_name, coalesce(client_addr::text, 'local') AS client, state,
       to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
FROM pg_stat_activity
WHERE datname = %s AND pid <> pg_backend_pid()
ORDER BY backend_start"""


def sessions(target: Target, out: TextIO) -> None:
    with psycopg.connect(target.server, autocommit=True) as conn:
        rows = conn.execute(SESSIONS, (target.name,)).fetchall()
    out.write(f"{len(rows)} session(s) on {target.label}\n")
    if rows:
        header = ("pid", "user", "application", "client", "state", "since")
        table = [header, *[tuple("" if v is None else str(v) for v in row) for row in rows]]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for row in table:
            out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")


def kill_all(target: Target, out: TextIO) -> None:
    """End every other session on the database (what blocks a drop or a restore)."""
    with psycopg.connect(target.server, autocommit=True) as conn:
        ended = conn.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (target.name,)).fetchone()[0]
    out.write(f"ended {ended} session(s) on {target.label}\n")


def connect(target: Target, out: TextIO) -> None:
    psql = shutil.which("psql")
    if not psql:
        raise Failure("psql is not installed (apt-get install postgresql-client)")
    out.flush()
    os.execv(psql, [psql, target.url])


def load_volume(url: str, users: int, activities: int) -> None:
    """Realistic volume for query plans and the benchmark: `users` people, about `activities` cruds."""
    with psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        conn.execute(VOLUME.read_text(), {"users": users, "activities": activities})
        # as autovacuum soon leaves a freshly loaded table: until then the GIN index holds every new row in
        # its pending list, which each search reads through and the planner prices like a scan of the table
        conn.execute("VACUUM ANALYZE")
