"""Migrations apply in order once, record themselves, and roll back cleanly."""
import psycopg
import pytest

from cruddur import migrations


def tables(url):
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}


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
