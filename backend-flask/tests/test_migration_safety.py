"""Up migrations keep the running version working, unless marked as the contract step of an expand/contract pair."""
import re
from pathlib import Path

import pytest

from tests.migration_safety import check, check_folder

VERSIONS = ["0001_users_and_activities", "0004_add_user_handle", "0005_candidate", "0006_later"]
HOW_TO_MARK = "refused unless it is the contract step of an expand/contract pair"


def refusals(sql):
    return check("0005_candidate", sql, VERSIONS)


@pytest.mark.parametrize("sql, change", [
    ("ALTER TABLE users DROP COLUMN bio;", "line 1: drops column users.bio"),
    ("ALTER TABLE public.users DROP COLUMN IF EXISTS bio;", "line 1: drops column public.users.bio"),
    ("ALTER TABLE users RENAME COLUMN bio TO about;", "line 1: renames column users.bio to about"),
    ("ALTER TABLE users RENAME TO people;", "line 1: renames table users to people"),
    ("DROP TABLE notifications;", "line 1: drops table notifications"),
    ("DROP VIEW activity_view;", "line 1: drops view activity_view"),
    ("ALTER VIEW activity_view RENAME TO feed_view;", "line 1: renames view activity_view to feed_view"),
    ("ALTER TABLE users ADD COLUMN handle text NOT NULL;",
     "line 1: adds NOT NULL column users.handle without a default"),
    ("ALTER TABLE users ADD COLUMN id bigint PRIMARY KEY;", "line 1: adds NOT NULL column users.id without a default"),
    ("ALTER TABLE users ALTER COLUMN bio SET NOT NULL;", "line 1: sets NOT NULL on users.bio"),
    ("-- a note\nCREATE INDEX x ON users (bio);\n/* hidden? */ ALTER TABLE users ADD COLUMN a int,\n  DROP COLUMN bio;",
     "line 3: drops column users.bio"),
    ("-- contracts users: see 0004\nALTER TABLE users DROP COLUMN bio;", "line 2: drops column users.bio"),
])
def test_a_migration_that_takes_something_away_is_refused(sql, change):
    [refusal] = refusals(sql)
    assert refusal.startswith(f"0005_candidate {change}, which breaks the version still serving during a rolling"
                              f" deploy; {HOW_TO_MARK}"), refusal


def test_every_change_in_a_migration_is_named():
    assert [r.split(",")[0] for r in refusals("DROP TABLE a, b;\nALTER TABLE c DROP COLUMN d, DROP COLUMN e;")] == [
        "0005_candidate line 1: drops table a", "0005_candidate line 1: drops table b",
        "0005_candidate line 2: drops column c.d", "0005_candidate line 2: drops column c.e"]


@pytest.mark.parametrize("sql", [
    "ALTER TABLE users ADD COLUMN handle text;",
    "ALTER TABLE users ADD COLUMN handle text NOT NULL DEFAULT '';",
    "ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT now() NOT NULL;",
    "ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;",
    "ALTER TABLE users ADD COLUMN n bigserial NOT NULL;",
    "ALTER TABLE activities ADD COLUMN words tsvector NOT NULL\n"
    "  GENERATED ALWAYS AS (to_tsvector('english', message)) STORED;",
    "CREATE TABLE likes (user_uuid uuid NOT NULL, activity_uuid uuid NOT NULL REFERENCES activities (uuid));",
    "DROP INDEX activities_created_idx;",
    "UPDATE users SET handle = lower(handle) WHERE handle IS NULL;",
    "DROP VIEW activity_view;\nCREATE VIEW activity_view AS SELECT uuid, message FROM activities;",
    "-- a comment that says DROP TABLE users;\nSELECT 'ALTER TABLE users DROP COLUMN bio';",
])
def test_a_migration_that_only_adds_is_allowed(sql):
    assert refusals(sql) == []


@pytest.mark.parametrize("marker", [
    "-- contract: expands in 0004_add_user_handle, safe once every running version reads handle",
    "-- contract: expands in 0004_add_user_handle.up.sql, safe once every running version reads handle",
    "--contract:  expands in 0001_users_and_activities ,  nothing reads bio since 0001",
])
def test_a_contract_step_naming_an_earlier_expand_step_is_allowed(marker):
    assert refusals(f"{marker}\nALTER TABLE users DROP COLUMN bio;\nALTER TABLE users ALTER handle SET NOT NULL;") == []


@pytest.mark.parametrize("marker, refusal", [
    ("-- contract: expands in 0003_no_such_step, safe now",
     "0005_candidate: its contract marker names 0003_no_such_step, which is not a migration in db/migrations"),
    ("-- contract: expands in 0006_later, safe now",
     "0005_candidate: its contract marker names 0006_later, which does not come before it; the expand step must"
     " be applied and deployed first"),
    ("-- contract: expands in 0005_candidate, safe now",
     "0005_candidate: its contract marker names 0005_candidate, which does not come before it; the expand step"
     " must be applied and deployed first"),
    ("-- contract: expands in 0004_add_user_handle",
     "0005_candidate: its contract marker must read `-- contract: expands in <NNNN_name>, <why the old version no"
     " longer needs it>`, not `-- contract: expands in 0004_add_user_handle`"),
    ("-- contract: drops bio",
     "0005_candidate: its contract marker must read `-- contract: expands in <NNNN_name>, <why the old version no"
     " longer needs it>`, not `-- contract: drops bio`"),
])
def test_a_contract_marker_must_name_an_earlier_expand_step(marker, refusal):
    assert refusals(f"{marker}\nALTER TABLE users DROP COLUMN bio;") == [refusal]


def test_a_migration_that_does_not_parse_is_refused_by_name():
    assert refusals("ALTER TABLE users DROP;") == [
        "0005_candidate: PostgreSQL cannot parse it (syntax error at or near \";\", at index 22), so it cannot be"
        " checked"]


def test_the_contract_marker_counts_only_on_the_first_line():
    sql = ("-- drop what 0004 replaced\n-- contract: expands in 0004_add_user_handle, safe now\n"
           "ALTER TABLE users DROP COLUMN bio;")
    assert [r.split(",")[0] for r in refusals(sql)] == ["0005_candidate line 3: drops column users.bio"]


def test_every_migration_in_db_migrations_keeps_the_running_version_working():
    assert check_folder() == []


def test_the_folder_check_reads_every_up_step_in_order(tmp_path):
    steps = {"0001_expand": "ALTER TABLE users ADD COLUMN about text;",
             "0002_contract": "-- contract: expands in 0001_expand, every running version reads about\n"
                              "ALTER TABLE users DROP COLUMN bio;",
             "0003_unmarked": "ALTER TABLE users DROP COLUMN about;"}
    for version, sql in steps.items():
        (tmp_path / f"{version}.up.sql").write_text(sql)
        (tmp_path / f"{version}.down.sql").write_text("DROP TABLE users;")
    assert [r.split(",")[0] for r in check_folder(tmp_path)] == ["0003_unmarked line 1: drops column users.about"]


def test_the_readme_example_pair_passes_and_its_contract_step_needs_its_marker(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    example = readme.split("### Example", 1)[1].split("```sql\n", 1)[1].split("```", 1)[0]
    steps = re.split(r"^-- (\d{4}_\w+)\.up\.sql\n", example, flags=re.M)[1:]
    assert steps[::2] == ["0004_users_about", "0005_users_about_backfill", "0006_users_drop_bio"]
    for version, sql in zip(steps[::2], steps[1::2], strict=True):
        (tmp_path / f"{version}.up.sql").write_text(sql)
        (tmp_path / f"{version}.down.sql").write_text("")
    assert check_folder(tmp_path) == []
    unmarked = (tmp_path / "0006_users_drop_bio.up.sql").read_text().partition("\n")[2]
    assert [r.split(",")[0] for r in check("0006_users_drop_bio", unmarked, steps[::2])] == [
        "0006_users_drop_bio line 3: drops column users.bio"]
