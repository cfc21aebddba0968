"""The bin/ddb/* commands: create, drop, list, seed and scan the messages table.

They read the API's environment: DDB_MESSAGE_TABLE, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL (set only
for the local emulator, which is what makes a table "local") and, for seed, CONNECTION_URL.
A known failure prints one line and exits 1.

    python -m cruddur.ddb_admin {schema-load,drop [--yes],list-tables,seed [--users A B],scan}
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping, TextIO

import psycopg
from botocore.exceptions import BotoCoreError, ClientError
from psycopg.rows import dict_row

from cruddur.db import sql
from cruddur.messages_store import (
    MessagesStore, MessagesUnavailable, client_for, conversation_uuid, table_definition,
)

DEFAULT_TABLE = "cruddur-messages"
SEED_HANDLES = ("andrewbrown", "bayko")
# (index into SEED_HANDLES of the sender, text), oldest first, a few minutes apart.
SEED_CONVERSATION = (
    (0, "Hi Bayko! Did the new messages table survive the night?"),
    (1, "It did. Both of our conversation rows moved in the same transaction, as promised."),
    (0, "No stream Lambda to babysit then."),
    (1, "None. And nothing vanishes on New Year's Day any more."),
    (0, "Good. Let's keep old conversations where people can find them."),
    (1, "Agreed. Paging goes back as far as the conversation does."),
    (0, "Then I'll stop scrolling and start crudding."),
)
SEED_SPACING = timedelta(minutes=7)


class Failure(Exception):
    """A known reason the command cannot do its job; one line for the operator."""


@dataclass
class Target:
    client: object
    table: str
    region: str
    local: bool

    @classmethod
    def from_env(cls, environ) -> "Target":
        region = environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        endpoint = environ.get("AWS_ENDPOINT_URL") or None
        # AWS_MAX_ATTEMPTS (botocore's own setting) decides how often a command tries
        return cls(client=client_for(region, endpoint, total_attempts=None),
                   table=environ.get("DDB_MESSAGE_TABLE") or DEFAULT_TABLE, region=region, local=endpoint is not None)

    @property
    def where(self) -> str:
        return "the local emulator" if self.local else f"AWS region {self.region}"


def schema_load(target: Target, out: TextIO) -> int:
    try:
        target.client.create_table(**table_definition(target.table))
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceInUseException":
            raise
        print(f"table {target.table} already exists in {target.where}", file=out)
        return 0
    target.client.get_waiter("table_exists").wait(TableName=target.table,
                                                  WaiterConfig={"Delay": 2, "MaxAttempts": 60})
    print(f"created table {target.table} in {target.where}", file=out)
    return 0


def drop(target: Target, out: TextIO, yes: bool, ask: Callable[[str], str]) -> int:
    if not yes and not target.local:
        try:
            answer = ask(f"Drop table {target.table} and every message in it from {target.where}? "
                         f"Type the table name to confirm: ")
        except EOFError:
            answer = ""
        if answer.strip() != target.table:
            raise Failure(f"not dropped: confirm by typing {target.table}, or pass --yes")
    try:
        target.client.delete_table(TableName=target.table)
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        print(f"no table {target.table} in {target.where}; nothing to drop", file=out)
        return 0
    target.client.get_waiter("table_not_exists").wait(TableName=target.table,
                                                      WaiterConfig={"Delay": 2, "MaxAttempts": 60})
    print(f"dropped table {target.table} from {target.where}", file=out)
    return 0


def list_tables(target: Target, out: TextIO) -> int:
    for page in target.client.get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            print(name, file=out)
    return 0


def scan(target: Target, out: TextIO) -> int:
    for page in target.client.get_paginator("scan").paginate(TableName=target.table):
        for item in page["Items"]:
            print(json.dumps({k: v["S"] for k, v in item.items()}, sort_keys=True), file=out)
    return 0


def seed(target: Target, out: TextIO, members: tuple[str, str], now: datetime) -> int:
    """The seeded users' conversation, once: a second run finds it and leaves it alone."""
    group = conversation_uuid(*members)
    store = MessagesStore(target.client, target.table)
    if store.conversation(members[0], group) is not None:
        print(f"conversation {group} is already seeded", file=out)
        return 0
    start = now - SEED_SPACING * len(SEED_CONVERSATION)
    for i, (sender, text) in enumerate(SEED_CONVERSATION):
        store.post(group, members[sender], members[1 - sender], text, start + SEED_SPACING * i)
    print(f"seeded conversation {group} between @{SEED_HANDLES[0]} and @{SEED_HANDLES[1]} "
          f"({len(SEED_CONVERSATION)} messages)", file=out)
    return 0


def seed_members(connection_url: str | None) -> tuple[str, str]:
    """The seeded users' uuids, read from PostgreSQL by handle."""
    if not connection_url:
        raise Failure("CONNECTION_URL is not set: point it at the seeded database, or pass --users UUID UUID")
    try:
        with psycopg.connect(connection_url, connect_timeout=5, row_factory=dict_row) as conn:
            rows = [conn.execute(sql("users/short"), {"handle": h}).fetchone() for h in SEED_HANDLES]
    except psycopg.OperationalError as e:
        raise Failure(f"cannot read the seeded users from PostgreSQL: {e}".strip()) from e
    missing = [f"@{h}" for h, row in zip(SEED_HANDLES, rows) if row is None]
    if missing:
        raise Failure(f"no user {' or '.join(missing)} in the database: "
                      "seed PostgreSQL first (python -m cruddur.cli seed)")
    return str(rows[0]["uuid"]), str(rows[1]["uuid"])


def _user_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a uuid: {value!r}") from None


@dataclass
class Console:
    out: TextIO
    ask: Callable[[str], str]
    now: Callable[[], datetime]
    environ: Mapping[str, str]


def _seed_command(target: Target, args, console: Console) -> int:
    members = tuple(args.users) if args.users else seed_members(console.environ.get("CONNECTION_URL"))
    return seed(target, console.out, members, console.now())


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bin/ddb", description=__doc__.split("\n")[0])
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("schema-load", help="create the messages table unless it exists") \
        .set_defaults(run=lambda target, args, console: schema_load(target, console.out))
    command = commands.add_parser("drop", help="delete the messages table (asks first outside the emulator)")
    command.add_argument("--yes", action="store_true", help="do not ask")
    command.set_defaults(run=lambda target, args, console: drop(target, console.out, args.yes, console.ask))
    commands.add_parser("list-tables", help="the tables DynamoDB holds") \
        .set_defaults(run=lambda target, args, console: list_tables(target, console.out))
    command = commands.add_parser("seed", help=f"a conversation between @{SEED_HANDLES[0]} and @{SEED_HANDLES[1]}")
    command.add_argument("--users", nargs=2, type=_user_uuid, metavar=("ANDREWBROWN_UUID", "BAYKO_UUID"),
                         help="their user uuids (default: read from PostgreSQL at CONNECTION_URL)")
    command.set_defaults(run=_seed_command)
    commands.add_parser("scan", help="every item, one JSON object a line (for debugging)") \
        .set_defaults(run=lambda target, args, console: scan(target, console.out))
    return p


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr, ask: Callable[[str], str] = input,
         now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    args = parser().parse_args(argv)
    target = Target.from_env(environ)
    try:
        return args.run(target, args, Console(out=out, ask=ask, now=now, environ=environ))
    except Failure as e:
        print(e, file=err)
    except (BotoCoreError, MessagesUnavailable) as e:
        print(f"DynamoDB in {target.where} did not answer: {e}", file=err)
    except ClientError as e:
        print(f"DynamoDB in {target.where} refused: {e}", file=err)
    return 1


if __name__ == "__main__":
    sys.exit(main())
