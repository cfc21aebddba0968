"""Schema migrations: db/migrations/<NNNN>_<name>.up.sql with a matching .down.sql.

Applied versions are recorded in schema_migrations; each step runs in its own transaction under an
advisory lock, so two tasks starting at once cannot apply the same step twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "db" / "migrations"
LOCK_ID = 4567_0001  # any constant shared by every migrator of this database

TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True)
class Migration:
    version: str
    up: Path
    down: Path


def available(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for up in sorted(folder.glob("*.up.sql")):
        version = up.name.removesuffix(".up.sql")
        down = up.with_name(f"{version}.down.sql")
        if not down.exists():
            raise FileNotFoundError(f"migration {version} has no {down.name}")
        found.append(Migration(version, up, down))
    return found


def applied(conn: psycopg.Connection) -> list[str]:
    conn.execute(TRACKING_TABLE)
    return [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]


def migrate(url: str, folder: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration in order; the versions applied now."""
    done = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        already = set(applied(conn))
        for step in available(folder):
            if step.version in already:
                continue
            with conn.transaction():
                conn.execute(step.up.read_text())
                conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (step.version,))
            done.append(step.version)
    return done


def rollback(url: str, steps: int = 1, folder: Path = MIGRATIONS_DIR) -> list[str]:
    """Undo the last `steps` applied migrations, newest first; the versions undone."""
    by_version = {m.version: m for m in available(folder)}
    undone = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        for version in reversed(applied(conn)[-steps:] if steps > 0 else []):
            if version not in by_version:
                raise FileNotFoundError(f"applied migration {version} has no files here to undo it")
            with conn.transaction():
                conn.execute(by_version[version].down.read_text())
                conn.execute("DELETE FROM schema_migrations WHERE version = %s", (version,))
            undone.append(version)
    return undone
