"""The database doors (bin/db/*): create, drop, schema-load, seed, setup, connect, sessions, kill-all.

Each door acts on CONNECTION_URL, or on PROD_CONNECTION_URL when `prod` is its first argument. Whatever
deletes data (drop, setup) refuses production unless `--confirm <database name>` repeats the name: one
recalled shell line must never wipe production.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from typing import Callable, Mapping, TextIO

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from cruddur import cli, migrations
MAINTENANCE_DB = "postgres"


class Refused(Exception):
    """The door will not do this; the message says why and what to do instead."""


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


def target_from(env: Mapping[str, str], production: bool) -> Target:
    variable = "PROD_CONNECTION_URL" if production else "CONNECTION_URL"
    url = env.get(variable, "")
    if not url:
        raise Refused(f"{variable} is not set; it names the database to act on")
    target = Target(url, production)
    if not target.name:
        raise Refused(f"{variable} names no database (expected postgresql://user@host:port/<database>)")
    return target


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
        raise Refused(f"refusing to delete the {target.label}: "
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
    cli.seed(target.url)
    out.write(f"seeded {target.label} from {cli.SEED.name}\n")


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
            out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n")


def kill_all(target: Target, out: TextIO) -> None:
    """End every other session on the database (what blocks a drop or a restore)."""
    with psycopg.connect(target.server, autocommit=True) as conn:
        ended = conn.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (target.name,)).fetchone()[0]
    out.write(f"ended {ended} session(s) on {target.label}\n")


def connect(target: Target, out: TextIO) -> None:
    psql = shutil.which("psql")
    if not psql:
        raise Refused("psql is not installed (apt-get install postgresql-client)")
    out.flush()
    os.execv(psql, [psql, target.url])


VERBS: dict[str, Callable[..., None]] = {
    "create": create, "drop": drop, "schema-load": schema_load, "seed": seed, "setup": setup,
    "connect": connect, "sessions": sessions, "kill-all": kill_all,
}
NEEDS_CONFIRMATION = {drop, setup}


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None,
         out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="bin/db", description=__doc__.splitlines()[0])
    parser.add_argument("verb", choices=VERBS)
    parser.add_argument("where", nargs="?", choices=("prod",), help="act on PROD_CONNECTION_URL")
    parser.add_argument("--confirm", metavar="DATABASE", help="the production database's name, for drop/setup")
    args = parser.parse_args(argv)
    verb = VERBS[args.verb]
    try:
        target = target_from(os.environ if env is None else env, production=args.where == "prod")
        if verb in NEEDS_CONFIRMATION:
            verb(target, out, confirm=args.confirm)
        else:
            verb(target, out)
    except Refused as refusal:
        err.write(f"bin/db/{args.verb}: {refusal}\n")
        return 2
    except psycopg.OperationalError as failure:
        err.write(f"bin/db/{args.verb}: cannot reach the {target.label}: {' '.join(str(failure).split())}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
