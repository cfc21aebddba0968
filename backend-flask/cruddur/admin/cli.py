"""Every admin command, listed once, and the one policy that turns its outcome into an exit code:
0 done, FAILED (1) for a Failure, printed as one line, USAGE (64) for a bad command line, and BUG (70)
for anything unexpected, with its traceback kept for the report.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TextIO

from cruddur.admin import cognito, db, ddb, s3
from cruddur.admin.console import BUG, FAILED, USAGE, AdminSettings, Console, Failure
from cruddur.config import SettingsError


def _no_options(parser: argparse.ArgumentParser) -> None:
    pass


@dataclass(frozen=True)
class Command:
    run: Callable[[argparse.Namespace, Console], None]
    help: str
    options: Callable[[argparse.ArgumentParser], None] = _no_options
    # what precedes the failure line: each door keeps the words its users' scripts already match on
    prefix: str = "error: "


def _verb(name: str, work, help: str, options=db.where) -> Command:
    return Command(db.verb(work), help, options, prefix=f"bin/db/{name}: ")


COMMANDS: dict[str, dict[str, Command]] = {
    "db": {
        "test": Command(db.test, "check that CONNECTION_URL answers, and say why not", db.where),
        "migrate": Command(db.migrate, "apply pending migrations", db.where),
        "rollback": Command(db.rollback, "undo the last migration(s)", db.steps),
        "update-cognito-user-ids": Command(cognito.update_cognito_user_ids,
                                           "link users to Cognito users by handle", db.where),
        "create": _verb("create", db.create, "create the database unless it exists"),
        "drop": _verb("drop", db.drop, "drop the database (production only with --confirm)", db.confirm),
        "schema-load": _verb("schema-load", db.schema_load, "apply every migration not applied yet"),
        "seed": _verb("seed", db.seed, "load the demo users and cruds"),
        "setup": _verb("setup", db.setup, "drop, create, schema-load and seed", db.confirm),
        "sessions": _verb("sessions", db.sessions, "who is connected to the database"),
        "kill-all": _verb("kill-all", db.kill_all, "end every other session on the database"),
        "connect": _verb("connect", db.connect, "psql on the database"),
    },
    "ddb": {
        "schema-load": Command(ddb.schema_load_command, "create the messages table unless it exists", prefix=""),
        "drop": Command(ddb.drop_command, "delete the messages table (asks first outside the emulator)",
                        ddb.yes, prefix=""),
        "list-tables": Command(ddb.list_tables_command, "the tables DynamoDB holds", prefix=""),
        "seed": Command(ddb.seed_command, f"a conversation between @{ddb.SEED_HANDLES[0]} and "
                        f"@{ddb.SEED_HANDLES[1]}", ddb.users, prefix=""),
        "scan": Command(ddb.scan_command, "every item, one JSON object a line (for debugging)", prefix=""),
    },
    "s3": {
        "create-buckets": Command(s3.create_buckets_command, "make the avatar buckets on the local emulator "
                                  "unless they exist", prefix="bin/s3/create-buckets: "),
    },
    "cognito": {
        "list-users": Command(cognito.list_users, "the pool's users with the handle and sub they are linked by",
                              prefix="bin/cognito/list-users: "),
    },
}


class _Usage(Exception):
    """A bad command line; the text is argparse's usage and complaint."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _Usage(f"{self.format_usage()}{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m cruddur.admin", description=__doc__.splitlines()[0])
    areas = top.add_subparsers(dest="area", required=True, parser_class=_Parser)
    for area, commands in COMMANDS.items():
        names = areas.add_parser(area).add_subparsers(dest="name", required=True, parser_class=_Parser)
        for name, command in commands.items():
            sub = names.add_parser(name, help=command.help, description=command.help)
            command.options(sub)
            sub.set_defaults(command=command)
    return top


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr, ask: Callable[[str], str] = input,
         now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    try:
        args = parser().parse_args(argv)
    except _Usage as usage:
        err.write(str(usage))
        return USAGE
    command: Command = args.command
    try:
        settings = AdminSettings.from_env(os.environ if env is None else env)
        command.run(args, Console(settings, out, ask, now))
    except (Failure, SettingsError) as failure:
        err.write(f"{command.prefix}{failure}\n")
        return FAILED
    except Exception:  # a bug: keep every detail for the report
        traceback.print_exc(file=err)
        return BUG
    return 0
