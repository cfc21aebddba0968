"""A crud's JSON and a profile's are written by PostgreSQL (db/sql/fragments/crud_columns.sql and
profile_columns.sql, through row_to_json) and passed through unparsed: they must say exactly what the API says
everywhere else — the fields of the OpenAPI document's Activity and Profile, uuids as text, times as
cruddur.http.iso writes them (UTC, milliseconds, Z) whatever the session's time zone, and any text, however
odd, read back as it was stored."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cruddur.db import sql
from cruddur.http import iso
from cruddur.openapi import load

# a row with activity_view's columns, from parameters, for the fragment to read as `v`
ROW = """
SELECT row_to_json(c)::text FROM (
  SELECT %(uuid)s::uuid AS uuid, %(handle)s::text AS handle, %(display_name)s::text AS display_name,
         %(message)s::text AS message, %(replies_count)s::int AS replies_count,
         %(reposts_count)s::int AS reposts_count, %(likes_count)s::int AS likes_count,
         %(reply_to_activity_uuid)s::uuid AS reply_to_activity_uuid, %(created_at)s::timestamptz AS created_at,
         %(expires_at)s::timestamptz AS expires_at, %(avatar_url)s::text AS avatar_url
) v, LATERAL (SELECT {{crud_columns}}) c
"""
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
MOMENTS = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9998, 12, 31),
                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)),
                                                  timezone(timedelta(hours=-11))]))
ZONES = ["UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"]


def python_spelling(row: dict) -> dict:
    """The object as the API's Python writes a crud (cruddur.http's JSON)."""
    return {**row, "uuid": str(row["uuid"]),
            "reply_to_activity_uuid": str(row["reply_to_activity_uuid"]) if row["reply_to_activity_uuid"] else None,
            "created_at": iso(row["created_at"]), "expires_at": iso(row["expires_at"])}


@pytest.fixture(scope="module")
def pg(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.fixed_dictionaries({
    "uuid": st.uuids(), "handle": TEXT, "display_name": TEXT, "message": TEXT,
    "replies_count": st.integers(0, 2**31 - 1), "reposts_count": st.integers(0, 2**31 - 1),
    "likes_count": st.integers(0, 2**31 - 1), "reply_to_activity_uuid": st.none() | st.uuids(),
    "created_at": MOMENTS, "expires_at": MOMENTS, "avatar_url": st.none() | TEXT}),
    zone=st.sampled_from(ZONES))
def test_postgresql_writes_a_crud_as_the_api_does(pg, row, zone):
    pg.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    (written,) = pg.execute(sql("fragments/crud_columns").join(ROW.split("{{crud_columns}}")), row).fetchone()
    assert json.loads(written) == python_spelling(row)


def test_the_fields_are_the_documented_ones_in_their_order(pg):
    row = {"uuid": uuid.uuid4(), "handle": "a", "display_name": "A", "message": "m", "replies_count": 0,
           "reposts_count": 0, "likes_count": 0, "reply_to_activity_uuid": None,
           "created_at": datetime.now(timezone.utc), "expires_at": datetime.now(timezone.utc), "avatar_url": None}
    (written,) = pg.execute(sql("fragments/crud_columns").join(ROW.split("{{crud_columns}}")), row).fetchone()
    documented = [name for name in load()["components"]["schemas"]["Activity"]["properties"]
                  if name not in ("liked", "reposted")]  # the reader's own marks: fragments/viewer_marks.sql
    assert list(json.loads(written)) == documented


# a row with users' columns, from parameters, for the profile fragment to read as `u` (nobody's cruds: a new uuid)
PROFILE_ROW = """
SELECT row_to_json(person)::text FROM (
  SELECT %(uuid)s::uuid AS uuid, %(handle)s::text AS handle, %(display_name)s::text AS display_name,
         %(bio)s::text AS bio, %(created_at)s::timestamptz AS created_at, %(avatar_url)s::text AS avatar_url
) u, LATERAL (SELECT {{profile_columns}}) person
"""


def profile_written(pg, row: dict) -> str:
    (written,) = pg.execute(sql("fragments/profile_columns").join(PROFILE_ROW.split("{{profile_columns}}")),
                            {**row, "now": datetime.now(timezone.utc)}).fetchone()
    return written


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.fixed_dictionaries({"uuid": st.uuids(), "handle": TEXT, "display_name": TEXT, "bio": TEXT,
                                  "created_at": MOMENTS, "avatar_url": st.none() | TEXT}),
       zone=st.sampled_from(ZONES))
def test_postgresql_writes_a_profile_as_the_api_does(pg, row, zone):
    pg.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    assert json.loads(profile_written(pg, row)) == {
        **row, "uuid": str(row["uuid"]), "created_at": iso(row["created_at"]), "cruds_count": 0}


def test_a_profile_has_the_documented_fields_in_their_order(pg):
    row = {"uuid": uuid.uuid4(), "handle": "a", "display_name": "A", "bio": "",
           "created_at": datetime.now(timezone.utc), "avatar_url": None}
    assert list(json.loads(profile_written(pg, row))) == list(load()["components"]["schemas"]["Profile"]["properties"])
