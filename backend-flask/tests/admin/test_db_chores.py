"""The database chores (bin/db/test, migrate, rollback, seed, update-cognito-user-ids), run as an operator runs
them: exit codes and what they print."""
import io
import os
import subprocess
from pathlib import Path

from cruddur.migrations import available
from devstack.net import free_port

REPO = Path(__file__).resolve().parents[3]


def door(verb, *args, **env):
    return subprocess.run([str(REPO / "bin" / "db" / verb), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def seed(url):
    from cruddur.admin.cli import main
    os.environ["CONNECTION_URL"] = url
    try:
        assert main(["db", "seed"], out=io.StringIO()) == 0
    finally:
        del os.environ["CONNECTION_URL"]


def test_db_test_reports_success_with_server_version(database_url):
    r = door("test", CONNECTION_URL=database_url)
    assert r.returncode == 0 and r.stdout.startswith(f"connected to {database_url} (PostgreSQL ")


def test_db_test_says_nothing_listens_and_hides_the_password():
    url = f"postgresql://cruddur:hunter2@127.0.0.1:{free_port()}/cruddur"
    r = door("test", CONNECTION_URL=url)
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: cannot connect to postgresql://cruddur:***@127.0.0.1:{url.split(':')[3]}")
    assert "nothing listens at that host and port" in r.stderr and "hunter2" not in r.stderr


def test_db_test_says_the_database_does_not_exist(database_url):
    url = database_url.rsplit("/", 1)[0] + "/no_such_db"
    r = door("test", CONNECTION_URL=url)
    assert r.returncode == 1 and "that database or role does not exist" in r.stderr


def test_db_test_needs_connection_url():
    env = {k: v for k, v in os.environ.items() if k != "CONNECTION_URL"}
    r = subprocess.run([str(REPO / "bin/db/test")], capture_output=True, text=True, env=env, timeout=60)
    assert (r.returncode, r.stderr.strip()) == \
        (1, "error: CONNECTION_URL is not set (postgresql://user:password@host:port/db)")


# every migration in db/migrations, oldest first: the doors apply them all and undo them one at a time
VERSIONS = [m.version for m in available()]


def test_migrate_and_rollback_doors(new_database):
    url = new_database("cruddur_doors")
    assert door("migrate", CONNECTION_URL=url).stdout.strip() == f"applied: {', '.join(VERSIONS)}"
    assert door("migrate", CONNECTION_URL=url).stdout.strip() == "schema is up to date"
    for version in reversed(VERSIONS):
        assert door("rollback", CONNECTION_URL=url).stdout.strip() == f"rolled back: {version}"
    assert door("rollback", CONNECTION_URL=url).stdout.strip() == "nothing to roll back"


def test_seed_is_repeatable_and_consistent(db, client):
    seed(db.pool.conninfo)
    seed(db.pool.conninfo)
    with db.pool.connection() as conn:
        assert conn.execute("SELECT handle FROM users ORDER BY handle").fetchall() == \
            [("andrewbrown",), ("bayko",), ("londo",)]
    home = client.get("/api/activities/home").json["items"]
    assert len(home) == 4
    cloud = next(a for a in home if a["message"] == "Cloud is fun!")
    detail = client.get(f"/api/activities/@andrewbrown/status/{cloud['uuid']}").json
    assert cloud["replies_count"] == len(detail["replies"]) == 2


def test_update_cognito_user_ids_links_seeded_users_by_handle(db, client, auth, cognito, aws):
    seed(db.pool.conninfo)
    r = door("update-cognito-user-ids", CONNECTION_URL=db.pool.conninfo,
             AWS_COGNITO_USER_POOL_ID=cognito.user_pool_id, AWS_ENDPOINT_URL=aws.url)
    assert r.returncode == 0, r.stderr
    assert "linked @bayko to its Cognito user" in r.stdout
    me = client.get("/api/me", headers=auth.headers("bayko")).json
    assert (me["handle"], me["bio"]) == ("bayko", "Cloud engineer.")


def test_update_cognito_user_ids_names_a_missing_pool(database_url, aws):
    r = door("update-cognito-user-ids", CONNECTION_URL=database_url, AWS_COGNITO_USER_POOL_ID="us-east-1_Missing",
             AWS_ENDPOINT_URL=aws.url)
    assert r.returncode == 1
    assert r.stderr.startswith("error: cannot list the users of Cognito pool us-east-1_Missing: ")
    assert "Traceback" not in r.stderr


def test_chores_act_on_prod_connection_url_when_told(new_database):
    url = new_database("cruddur_prod_doors")
    env = {"CONNECTION_URL": "postgresql://nobody@127.0.0.1:1/not_this_one", "PROD_CONNECTION_URL": url}
    assert door("migrate", "prod", **env).stdout.strip() == f"applied: {', '.join(VERSIONS)}"
    assert door("test", "prod", **env).stdout.startswith(f"connected to {url} (PostgreSQL ")
    assert door("rollback", "prod", **env).stdout.strip() == f"rolled back: {VERSIONS[-1]}"


def test_prod_chore_needs_prod_connection_url(database_url):
    env = {k: v for k, v in os.environ.items() if k != "PROD_CONNECTION_URL"}
    r = subprocess.run([str(REPO / "bin/db/migrate"), "prod"], capture_output=True, text=True, timeout=60,
                       env={**env, "CONNECTION_URL": database_url})
    assert (r.returncode, r.stderr.strip()) == \
        (1, "error: PROD_CONNECTION_URL is not set (postgresql://user:password@host:port/db)")
