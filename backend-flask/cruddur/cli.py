"""Database chores behind the bin/db doors: migrate, rollback, seed, test, update-cognito-user-ids.

Reads only what each chore needs from the environment (CONNECTION_URL, or PROD_CONNECTION_URL when `prod`
follows the chore's name; the pool id for linking users), so it runs before the API's full settings exist.
A known failure prints one line and exits 1.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg
from botocore.exceptions import BotoCoreError, ClientError

from cruddur import migrations
from cruddur.db import CONNECT_TIMEOUT_SECONDS, sql

SEED = Path(__file__).resolve().parent.parent / "db" / "seed.sql"
VOLUME = SEED.with_name("volume.sql")


class Failure(Exception):
    """A failure the operator can act on: printed as one line, exit 1."""


def connection_url(args) -> str:
    variable = "PROD_CONNECTION_URL" if getattr(args, "where", None) == "prod" else "CONNECTION_URL"
    url = os.environ.get(variable, "")
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


def cmd_test(args) -> int:
    url = connection_url(args)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as err:
        raise Failure(explain(err, url)) from None
    print(f"connected to {redacted(url)} (PostgreSQL {version})")
    return 0


def _with_connection_errors(args, action):
    url = connection_url(args)
    try:
        return action(url)
    except psycopg.OperationalError as err:
        raise Failure(explain(err, url)) from None


def cmd_migrate(args) -> int:
    done = _with_connection_errors(args, migrations.migrate)
    print("applied: " + ", ".join(done) if done else "schema is up to date")
    return 0


def cmd_rollback(args) -> int:
    undone = _with_connection_errors(args, lambda url: migrations.rollback(url, args.steps))
    print("rolled back: " + ", ".join(undone) if undone else "nothing to roll back")
    return 0


def seed(url: str) -> None:
    """Load the demo users and their cruds (repeatable: a second run changes nothing)."""
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        conn.execute(SEED.read_text())


def load_volume(url: str, users: int, activities: int) -> None:
    """Realistic volume for query plans and the benchmark: `users` people, about `activities` cruds."""
    with psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        conn.execute(VOLUME.read_text(), {"users": users, "activities": activities})
        # as autovacuum soon leaves a freshly loaded table: until then the GIN index holds every new row in
        # its pending list, which each search reads through and the planner prices like a scan of the table
        conn.execute("VACUUM ANALYZE")


def cmd_seed(args) -> int:
    _with_connection_errors(args, seed)
    print("seeded andrewbrown, bayko and londo with their cruds")
    return 0


def cognito_subs_by_handle(pool_id: str, idp=None) -> dict[str, str]:
    """preferred_username → sub for every user of the pool."""
    idp = idp or boto3.client("cognito-idp")
    found = {}
    for page in idp.get_paginator("list_users").paginate(UserPoolId=pool_id):
        for user in page["Users"]:
            attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            if attrs.get("preferred_username") and attrs.get("sub"):
                found[attrs["preferred_username"]] = attrs["sub"]
    return found


def cmd_update_cognito_user_ids(args) -> int:
    pool_id = os.environ.get("AWS_COGNITO_USER_POOL_ID", "")
    if not pool_id:
        raise Failure("AWS_COGNITO_USER_POOL_ID is not set")
    try:
        subs = cognito_subs_by_handle(pool_id)
    except (BotoCoreError, ClientError) as err:
        raise Failure(f"cannot list the users of Cognito pool {pool_id}: {err}") from None

    def link(url):
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            return [row[0] for handle, sub in sorted(subs.items())
                    for row in conn.execute(sql("users/link_cognito"), {"handle": handle, "sub": sub})]
    linked = _with_connection_errors(args, link)
    for handle in linked:
        print(f"linked @{handle} to its Cognito user")
    print(f"{len(linked)} of {len(subs)} Cognito users matched a handle")
    return 0


COMMANDS = {
    "test": (cmd_test, "check that CONNECTION_URL answers, and say why not"),
    "migrate": (cmd_migrate, "apply pending migrations"),
    "rollback": (cmd_rollback, "undo the last migration(s)"),
    "seed": (cmd_seed, "load the demo users and cruds"),
    "update-cognito-user-ids": (cmd_update_cognito_user_ids, "link users to Cognito users by handle"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cruddur.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, text) in COMMANDS.items():
        command = sub.add_parser(name, help=text)
        command.set_defaults(func=func)
        command.add_argument("where", nargs="?", choices=("prod",), help="act on PROD_CONNECTION_URL")
        if name == "rollback":
            command.add_argument("--steps", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Failure as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
