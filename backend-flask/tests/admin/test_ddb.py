"""bin/ddb/*: the doors themselves against the emulator, and the admin module's choices in-process."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cruddur.admin import cli
from cruddur.admin import ddb as ddb_commands
from cruddur.messages_store import RECENCY_INDEX, conversation_uuid

REPO = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def door(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "bin" / "ddb" / name), *args], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def fresh_table(ddb):
    """A table name nobody has created yet; removed after the test if the test left it behind."""
    name = f"door-{uuid.uuid4().hex[:12]}"
    yield name
    if name in ddb.list_tables()["TableNames"]:
        ddb.delete_table(TableName=name)


@pytest.fixture
def door_env(aws, fresh_table, database_url):
    # The harness already put AWS_ENDPOINT_URL and the emulator's credentials in os.environ.
    assert os.environ["AWS_ENDPOINT_URL"] == aws.url
    return {**os.environ, "DDB_MESSAGE_TABLE": fresh_table, "CONNECTION_URL": database_url,
            "PYTHON": sys.executable, "AWS_MAX_ATTEMPTS": "1"}


def test_the_doors_create_list_seed_scan_and_drop_the_table(door_env, fresh_table, ddb, people):
    t = fresh_table
    created = door("schema-load", env=door_env)
    assert (created.returncode, created.stdout) == (0, f"created table {t} in the local emulator\n")
    indexes = ddb.describe_table(TableName=t)["Table"]["LocalSecondaryIndexes"]
    assert [i["IndexName"] for i in indexes] == [RECENCY_INDEX]

    listed = door("list-tables", env=door_env)
    assert listed.returncode == 0 and t in listed.stdout.splitlines()

    group = conversation_uuid(people["andrewbrown"]["uuid"], people["bayko"]["uuid"])
    seeded = door("seed", env=door_env)
    assert (seeded.returncode, seeded.stdout) == (
        0, f"seeded conversation {group} between @andrewbrown and @bayko (7 messages)\n")

    scanned = door("scan", env=door_env)
    items = [json.loads(line) for line in scanned.stdout.splitlines()]
    assert scanned.returncode == 0
    assert sorted(i["pk"].split("#")[0] for i in items) == ["GROUP"] * 7 + ["USER"] * 2

    dropped = door("drop", env=door_env)
    assert (dropped.returncode, dropped.stdout) == (0, f"dropped table {t} from the local emulator\n")
    assert t not in ddb.list_tables()["TableNames"]


def test_every_command_can_run_twice(aws, fresh_table):
    env = {"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": fresh_table}
    users = ["--users", str(uuid.uuid4()), str(uuid.uuid4())]
    group = conversation_uuid(*users[1:])
    expected = [
        (["schema-load"], f"created table {fresh_table} in the local emulator\n"),
        (["schema-load"], f"table {fresh_table} already exists in the local emulator\n"),
        (["seed", *users], f"seeded conversation {group} between @andrewbrown and @bayko (7 messages)\n"),
        (["seed", *users], f"conversation {group} is already seeded\n"),
        (["drop"], f"dropped table {fresh_table} from the local emulator\n"),
        (["drop"], f"no table {fresh_table} in the local emulator; nothing to drop\n"),
    ]
    for argv, line in expected:
        out = io.StringIO()
        assert (cli.main(["ddb", *argv], env=env, out=out, now=lambda: NOW), out.getvalue()) == (0, line), \
            argv


def test_the_seeded_conversation_is_what_the_api_shows(aws, table, settings, people, client, auth):
    env = {"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": table, "CONNECTION_URL": settings.connection_url}
    out = io.StringIO()
    assert cli.main(["ddb", "seed"], env=env, out=out, now=lambda: NOW) == 0

    listing = client.get("/api/message_groups", headers=auth.headers("bayko")).json
    last = ddb_commands.SEED_CONVERSATION[-1]
    assert [(r["handle"], r["message"]) for r in listing["items"]] == [("andrewbrown", last[1])]
    thread = client.get(f"/api/messages/{listing['items'][0]['uuid']}", headers=auth.headers("andrewbrown")).json
    assert [(m["handle"], m["message"]) for m in thread["items"]] == [
        (ddb_commands.SEED_HANDLES[sender], text) for sender, text in ddb_commands.SEED_CONVERSATION]
    assert thread["items"][-1]["created_at"] == "2026-11-29T11:53:00.000Z"


def test_seed_takes_the_user_uuids_as_arguments_without_a_database(aws, store, table):
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    out = io.StringIO()
    code = cli.main(["ddb", "seed", "--users", a, b], env={"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": table},
                          out=out, now=lambda: NOW)
    assert code == 0
    assert store.conversation(a, conversation_uuid(a, b))["other_user_uuid"] == b
    assert len(store.messages(conversation_uuid(a, b), 50).items) == len(ddb_commands.SEED_CONVERSATION)


def test_seed_without_a_database_or_uuids_says_what_it_needs(aws, table):
    err = io.StringIO()
    assert cli.main(["ddb", "seed"], env={"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": table},
                          out=io.StringIO(), err=err) == 1
    assert err.getvalue() == "CONNECTION_URL is not set: point it at the seeded database, or pass --users UUID UUID\n"


def test_seed_against_a_database_without_the_seeded_users_says_so(aws, table, db, database_url):
    err = io.StringIO()
    env = {"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": table, "CONNECTION_URL": database_url}
    assert cli.main(["ddb", "seed"], env=env, out=io.StringIO(), err=err) == 1
    assert err.getvalue() == ("no user @andrewbrown or @bayko in the database: "
                              "seed PostgreSQL first (bin/db/seed)\n")


def test_a_dynamodb_refusal_is_one_line_and_exit_1(aws):
    err = io.StringIO()
    code = cli.main(["ddb", "scan"], env={"AWS_ENDPOINT_URL": aws.url, "DDB_MESSAGE_TABLE": "no-such-table"},
                          out=io.StringIO(), err=err)
    assert code == 1
    assert err.getvalue().startswith("DynamoDB in the local emulator refused: An error occurred "
                                     "(ResourceNotFoundException) when calling the Scan operation")
    assert err.getvalue().count("\n") == 1


def test_drop_outside_the_emulator_asks_and_refuses_without_the_table_name():
    # No AWS_ENDPOINT_URL: the command would talk to AWS itself, so it must stop at the question.
    questions, err = [], io.StringIO()
    env = {"DDB_MESSAGE_TABLE": "cruddur-messages", "AWS_DEFAULT_REGION": "eu-west-2"}
    code = cli.main(["ddb", "drop"], env=env, out=io.StringIO(), err=err,
                          ask=lambda q: questions.append(q) or "yes")
    assert code == 1
    assert questions == ["Drop table cruddur-messages and every message in it from AWS region eu-west-2? "
                         "Type the table name to confirm: "]
    assert err.getvalue() == "not dropped: confirm by typing cruddur-messages, or pass --yes\n"


def test_drop_outside_the_emulator_without_a_terminal_refuses():
    def no_terminal(question):
        raise EOFError

    err = io.StringIO()
    assert cli.main(["ddb", "drop"], env={"DDB_MESSAGE_TABLE": "cruddur-messages"}, out=io.StringIO(), err=err,
                          ask=no_terminal) == 1
    assert err.getvalue().startswith("not dropped")


@pytest.mark.parametrize("yes, answer", [(False, "TABLE"), (True, None)])
def test_drop_of_a_non_local_table_goes_ahead_when_confirmed(ddb, table, yes, answer):
    # The emulator stands in for AWS here; `local=False` is what a target without AWS_ENDPOINT_URL gets.
    target = ddb_commands.Target(client=ddb, table=table, region="us-east-1", local=False)
    out = io.StringIO()
    ddb_commands.drop(target, out, yes=yes, ask=lambda q: table if answer == "TABLE" else "")
    assert out.getvalue() == f"dropped table {table} from AWS region us-east-1\n"
    assert table not in ddb.list_tables()["TableNames"]
