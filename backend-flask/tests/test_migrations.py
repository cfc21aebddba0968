"""Migrations apply in order once, record themselves, and roll back cleanly."""
import psycopg
import pytest

from cruddur import migrations


def tables(url):
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}


def a_crud_and_a_reply(conn, reply: str) -> tuple:
    """Two people, bayko and londo, a live crud of bayko's and londo's reply saying `reply`: their uuids."""
    bayko, londo = (conn.execute(
        "INSERT INTO users (handle, display_name, email) VALUES (%s, %s, %s) RETURNING uuid",
        [handle, handle.title(), f"{handle}@example.com"]).fetchone()[0] for handle in ("bayko", "londo"))
    crud = conn.execute("INSERT INTO activities (user_uuid, message, expires_at) "
                        "VALUES (%s, 'my crud', now() + interval '1 day') RETURNING uuid", [bayko]).fetchone()[0]
    answer = conn.execute("INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at) "
                          "VALUES (%s, %s, %s, now() + interval '1 day') RETURNING uuid",
                          [londo, reply, crud]).fetchone()[0]
    return bayko, londo, crud, answer


def test_migrate_applies_each_step_once_and_rollback_undoes_it(new_database):
    url = new_database("cruddur_migrations")
    versions = [m.version for m in migrations.available()]
    assert migrations.migrate(url) == versions
    assert {"users", "activities", "schema_migrations", "activity_view"} <= tables(url)
    assert migrations.migrate(url) == []
    assert migrations.rollback(url, steps=len(versions)) == versions[::-1]
    assert tables(url) == {"schema_migrations"}
    assert migrations.migrate(url) == versions


def test_handles_are_unique_whatever_their_case(db):
    with db.pool.connection() as conn:
        conn.execute("INSERT INTO users (handle, display_name, email) VALUES ('Bayko', 'A', 'a@example.com')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO users (handle, display_name, email) VALUES ('bAYKO', 'B', 'b@example.com')")


def test_notifications_are_recorded_for_the_cruds_written_before_they_existed(new_database, tmp_path):
    url = new_database("cruddur_backfill")
    before = [m for m in sorted(migrations.MIGRATIONS_DIR.glob("*.sql")) if m.name < "0003"]
    for path in before:
        (tmp_path / path.name).write_text(path.read_text())
    migrations.migrate(url, folder=tmp_path)
    with psycopg.connect(url, autocommit=True) as conn:
        bayko, londo, _, reply = a_crud_and_a_reply(conn, "nice, @bayko")
        mention = conn.execute("INSERT INTO activities (user_uuid, message, expires_at) "
                               "VALUES (%s, 'ask @LONDO, or @londo', now() + interval '1 day') RETURNING uuid",
                               [bayko]).fetchone()[0]

    migrations.migrate(url)

    with psycopg.connect(url) as conn:
        recorded = set(conn.execute("SELECT user_uuid, activity_uuid, reason FROM notifications"))
    assert recorded == {(bayko, reply, "reply"), (londo, mention, "mention")}


def test_likes_and_reposts_roll_back_to_notifications_of_replies_and_mentions(new_database):
    """0005's down step undoes it with likes, reposts and their notifications in the tables: the old key and
    check hold again, the replies and mentions are kept, and it applies again afterwards."""
    url = new_database("cruddur_reactions_rollback")
    migrations.migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        bayko, londo, crud, reply = a_crud_and_a_reply(conn, "nice")
        for kind in ("like", "repost"):
            conn.execute("INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at) "
                         "VALUES (%s, %s, %s, now(), now() + interval '1 day')", [londo, crud, kind])
            conn.execute("INSERT INTO notifications (user_uuid, activity_uuid, reason, created_at, actor_uuid, uuid) "
                         "SELECT %s, %s, %s, now(), %s, gen_random_uuid()", [bayko, crud, kind, londo])
    versions = [m.version for m in migrations.available()]
    steps = len(versions) - versions.index("0005_likes_and_reposts")
    assert migrations.rollback(url, steps=steps)[-1] == "0005_likes_and_reposts"
    assert "reactions" not in tables(url)
    with psycopg.connect(url) as conn:
        kept = set(conn.execute("SELECT user_uuid, activity_uuid, reason FROM notifications"))
        assert kept == {(bayko, reply, "reply")}
        key = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'notifications_pkey'")
        assert key.fetchone() == ("PRIMARY KEY (user_uuid, activity_uuid)",)
    assert migrations.migrate(url) == versions[-steps:]
