"""The bin/db verbs against a throwaway PostgreSQL cluster: every verb, and the scripts themselves."""
from __future__ import annotations

import io
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from cruddur.admin import cli
from devstack.postgres import Cluster, throwaway

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def cluster():
    with throwaway("cruddur-admin-db-") as server:
        yield server


@pytest.fixture
def url(cluster):
    """A database name no other test uses; the database itself does not exist yet."""
    return cluster.url(f"cruddur_{uuid.uuid4().hex[:10]}")


def door(verb: str, *args: str, env: dict[str, str]):
    """bin/db/<verb> in-process (each script spawns Python anew, seconds apiece on a busy machine)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["db", verb, *args], env=env, out=out, err=err)
    return subprocess.CompletedProcess([verb, *args], code, out.getvalue(), err.getvalue())


def script(verb: str, *args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    """The bin/db/<verb> script itself, as a developer runs it."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CONNECTION_URL", "PROD_CONNECTION_URL")}
    return subprocess.run([str(REPO / "bin" / "db" / verb), *args], env={**clean, **env}, input=stdin,
                          capture_output=True, text=True, timeout=60)


def database_exists(cluster: Cluster, url: str) -> bool:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster.url()) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def count_users(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


def test_create_makes_the_database_and_a_second_create_leaves_it(cluster, url):
    first = door("create", env={"CONNECTION_URL": url})
    second = door("create", env={"CONNECTION_URL": url})
    name = url.rsplit("/", 1)[1]
    assert (first.returncode, first.stdout) == (0, f"created local database {name!r}\n")
    assert (second.returncode, second.stdout) == (0, f"local database {name!r} already exists\n")
    assert database_exists(cluster, url)


def test_schema_load_applies_every_migration_once(url):
    door("create", env={"CONNECTION_URL": url})
    first = door("schema-load", env={"CONNECTION_URL": url})
    again = door("schema-load", env={"CONNECTION_URL": url})
    assert first.returncode == 0 and "applied 0001" in first.stdout, first.stderr
    assert {"users", "activities", "schema_migrations"} <= tables(url)
    assert again.stdout.endswith("already up to date\n")


def test_seed_loads_the_bootcamp_users(url):
    for verb in ("create", "schema-load", "seed"):
        assert door(verb, env={"CONNECTION_URL": url}).returncode == 0
    with psycopg.connect(url) as conn:
        handles = {r[0] for r in conn.execute("SELECT handle FROM users")}
    assert {"andrewbrown", "bayko", "londo"} <= handles


def test_setup_rebuilds_a_used_database_from_scratch(url):
    door("setup", env={"CONNECTION_URL": url})
    seeded = count_users(url)
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM activities")
        conn.execute("DELETE FROM users")
    result = door("setup", env={"CONNECTION_URL": url})
    assert result.returncode == 0, result.stderr
    assert seeded > 0 and count_users(url) == seeded


def test_sessions_lists_who_is_connected_and_kill_all_ends_them(url):
    door("create", env={"CONNECTION_URL": url})
    with psycopg.connect(url, application_name="left-open-by-test", autocommit=True) as held:
        listed = door("sessions", env={"CONNECTION_URL": url})
        killed = door("kill-all", env={"CONNECTION_URL": url})
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].startswith("1 session(s) on local database")
    assert "left-open-by-test" in listed.stdout
    assert killed.stdout.startswith("ended 1 session(s)")
    assert door("sessions", env={"CONNECTION_URL": url}).stdout.startswith("0 session(s)")


def test_connect_opens_psql_on_the_database(url):
    door("create", env={"CONNECTION_URL": url})
    result = script("connect", env={"CONNECTION_URL": url}, stdin="SELECT current_database(), 40 + 2;\n")
    assert result.returncode == 0, result.stderr
    assert url.rsplit("/", 1)[1] in result.stdout and "42" in result.stdout


def test_drop_removes_a_local_database_without_asking(cluster, url):
    door("create", env={"CONNECTION_URL": url})
    with psycopg.connect(url):  # an open session does not block the drop
        result = door("drop", env={"CONNECTION_URL": url})
    assert result.returncode == 0, result.stderr
    assert not database_exists(cluster, url)


@pytest.mark.parametrize("verb, confirm", [("drop", []), ("drop", ["--confirm", "not-its-name"]),
                                           ("setup", [])])
def test_deleting_production_without_confirmation_refuses(cluster, url, verb, confirm):
    door("create", env={"CONNECTION_URL": url})
    name = url.rsplit("/", 1)[1]
    result = script(verb, "prod", *confirm, env={"PROD_CONNECTION_URL": url})
    assert result.returncode == 1
    assert result.stderr == (f"bin/db/{verb}: refusing to delete the production database {name!r}: "
                             f"repeat its name to confirm (--confirm {name})\n")
    assert database_exists(cluster, url)


def test_drop_prod_with_its_name_confirmed_drops_prod_not_local(cluster, url):
    local = url + "_local"
    door("create", env={"CONNECTION_URL": local})
    door("create", env={"CONNECTION_URL": url})
    name = url.rsplit("/", 1)[1]
    result = door("drop", "prod", "--confirm", name, env={"CONNECTION_URL": local, "PROD_CONNECTION_URL": url})
    assert (result.returncode, result.stdout) == (0, f"dropped production database {name!r}\n")
    assert not database_exists(cluster, url) and database_exists(cluster, local)


@pytest.mark.parametrize("args, env, message", [
    ([], {}, "bin/db/sessions: CONNECTION_URL is not set; it names the database to act on\n"),
    (["prod"], {"CONNECTION_URL": "postgresql://x@127.0.0.1/cruddur"},
     "bin/db/sessions: PROD_CONNECTION_URL is not set; it names the database to act on\n"),
    ([], {"CONNECTION_URL": "postgresql://x@127.0.0.1"},
     "bin/db/sessions: CONNECTION_URL names no database (expected postgresql://user@host:port/<database>)\n"),
])
def test_a_door_without_a_database_says_which_variable_is_missing(args, env, message):
    result = door("sessions", *args, env=env)
    assert (result.returncode, result.stderr) == (1, message)


def test_an_unreachable_server_is_one_clear_line_not_a_traceback(cluster):
    from devstack.net import free_port

    result = script("create", env={"CONNECTION_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"})
    assert result.returncode == 1
    assert result.stderr.startswith("bin/db/create: cannot reach the local database 'nowhere': ")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3
