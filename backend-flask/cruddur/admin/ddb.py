"""The bin/ddb/* commands: create, drop, list, seed and scan the messages table.

They act where the API would: DDB_MESSAGE_TABLE in AWS_DEFAULT_REGION, or on the local emulator when
AWS_ENDPOINT_URL is set (which is what makes a table "local"); seed reads the users from CONNECTION_URL.
"""
from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

import psycopg
from botocore.exceptions import BotoCoreError, ClientError
from psycopg.rows import dict_row

from cruddur.admin.console import Console, Failure
from cruddur.config import Settings
from cruddur.db import sql
from cruddur.messages_store import (
    MessagesStore,
    MessagesUnavailable,
    client_for,
    conversation_uuid,
    table_definition,
)

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


@dataclass
class Target:
    client: object
    table: str
    region: str
    local: bool

    @classmethod
    def of(cls, settings: Settings) -> Target:
        # AWS_MAX_ATTEMPTS (botocore's own setting) decides how often a command tries
        return cls(client=client_for(settings.region, settings.aws_endpoint_url, total_attempts=None),
                   table=settings.message_table, region=settings.region, local=settings.aws_endpoint_url is not None)

    @property
    def where(self) -> str:
        return "the local emulator" if self.local else f"AWS region {self.region}"


def on_dynamodb(work: Callable[[Target, argparse.Namespace, Console], None]):
    """A command from `work`, acting on the table the settings name; DynamoDB's refusals become one line."""
    def run(args, console: Console) -> None:
        target = Target.of(console.settings.api)
        try:
            work(target, args, console)
        except (BotoCoreError, MessagesUnavailable) as e:
            raise Failure(f"DynamoDB in {target.where} did not answer: {e}") from None
        except ClientError as e:
            raise Failure(f"DynamoDB in {target.where} refused: {e}") from None
    return run


def _change_table(target: Target, out: TextIO, change: Callable[[], object], settled_code: str, waiter: str,
                  settled: str, done: str) -> None:
    """Make the change and wait for it to show; the error saying the table is already that way is no failure."""
    try:
        change()
    except ClientError as e:
        if e.response["Error"]["Code"] != settled_code:
            raise
        print(settled, file=out)
        return
    target.client.get_waiter(waiter).wait(TableName=target.table, WaiterConfig={"Delay": 2, "MaxAttempts": 60})
    print(done, file=out)


def schema_load(target: Target, out: TextIO) -> None:
    _change_table(target, out, lambda: target.client.create_table(**table_definition(target.table)),
                  "ResourceInUseException", "table_exists",
                  settled=f"table {target.table} already exists in {target.where}",
                  done=f"created table {target.table} in {target.where}")


def drop(target: Target, out: TextIO, yes: bool, ask: Callable[[str], str]) -> None:
    if not yes and not target.local:
        try:
            answer = ask(f"Drop table {target.table} and every message in it from {target.where}? "
                         f"Type the table name to confirm: ")
        except EOFError:
            answer = ""
        if answer.strip() != target.table:
            raise Failure(f"not dropped: confirm by typing {target.table}, or pass --yes")
    _change_table(target, out, lambda: target.client.delete_table(TableName=target.table),
                  "ResourceNotFoundException", "table_not_exists",
                  settled=f"no table {target.table} in {target.where}; nothing to drop",
                  done=f"dropped table {target.table} from {target.where}")


def list_tables(target: Target, out: TextIO) -> None:
    for page in target.client.get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            print(name, file=out)


def scan(target: Target, out: TextIO) -> None:
    for page in target.client.get_paginator("scan").paginate(TableName=target.table):
        for item in page["Items"]:
            print(json.dumps({k: v["S"] for k, v in item.items()}, sort_keys=True), file=out)


def seed(target: Target, out: TextIO, members: tuple[str, str], now: datetime) -> None:
    """The seeded users' conversation, once: a second run finds it and leaves it alone."""
    group = conversation_uuid(*members)
    store = MessagesStore(target.client, target.table)
    if store.conversation(members[0], group) is not None:
        print(f"conversation {group} is already seeded", file=out)
        return
    start = now - SEED_SPACING * len(SEED_CONVERSATION)
    for i, (sender, text) in enumerate(SEED_CONVERSATION):
        store.post(group, members[sender], members[1 - sender], text, start + SEED_SPACING * i)
    print(f"seeded conversation {group} between @{SEED_HANDLES[0]} and @{SEED_HANDLES[1]} "
          f"({len(SEED_CONVERSATION)} messages)", file=out)


def seed_members(connection_url: str) -> tuple[str, str]:
    """The seeded users' uuids, read from PostgreSQL by handle."""
    if not connection_url:
        raise Failure("CONNECTION_URL is not set: point it at the seeded database, or pass --users UUID UUID")
    try:
        with psycopg.connect(connection_url, connect_timeout=5, row_factory=dict_row) as conn:
            rows = [conn.execute(sql("users/short"), {"handle": h}).fetchone() for h in SEED_HANDLES]
    except psycopg.OperationalError as e:
        raise Failure(f"cannot read the seeded users from PostgreSQL: {e}".strip()) from e
    missing = [f"@{h}" for h, row in zip(SEED_HANDLES, rows, strict=True) if row is None]
    if missing:
        raise Failure(f"no user {' or '.join(missing)} in the database: seed PostgreSQL first (bin/db/seed)")
    return str(rows[0]["uuid"]), str(rows[1]["uuid"])


def _user_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a uuid: {value!r}") from None


def yes(parser) -> None:
    parser.add_argument("--yes", action="store_true", help="do not ask")


def users(parser) -> None:
    parser.add_argument("--users", nargs=2, type=_user_uuid, metavar=("ANDREWBROWN_UUID", "BAYKO_UUID"),
                        help="their user uuids (default: read from PostgreSQL at CONNECTION_URL)")


@on_dynamodb
def schema_load_command(target: Target, args, console: Console) -> None:
    schema_load(target, console.out)


@on_dynamodb
def drop_command(target: Target, args, console: Console) -> None:
    drop(target, console.out, args.yes, console.ask)


@on_dynamodb
def list_tables_command(target: Target, args, console: Console) -> None:
    list_tables(target, console.out)


@on_dynamodb
def seed_command(target: Target, args, console: Console) -> None:
    members = tuple(args.users) if args.users else seed_members(console.settings.api.connection_url)
    seed(target, console.out, members, console.now())


@on_dynamodb
def scan_command(target: Target, args, console: Console) -> None:
    scan(target, console.out)
