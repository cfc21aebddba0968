"""The feeds' query plans on realistic volume: index seeks rather than scans of every crud, and plans
PostgreSQL makes once per connection rather than once per request."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from cruddur.db import SQL_ROOT, sql
from cruddur.paging import MAX_PAGE_SIZE
from tests import plans

NOW = datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def deep(conn):
    """A cursor ten thousand top-level cruds down the home feed, and a busy author with one deep in theirs."""
    at, uuid = conn.execute(
        "SELECT created_at, uuid FROM activities WHERE reply_to_activity_uuid IS NULL "
        "ORDER BY created_at DESC, uuid DESC OFFSET 10000 LIMIT 1").fetchone()
    author = conn.execute("SELECT user_uuid FROM activities GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    author_at, author_uuid = conn.execute(
        "SELECT created_at, uuid FROM activities WHERE user_uuid = %s AND reply_to_activity_uuid IS NULL "
        "ORDER BY created_at DESC, uuid DESC OFFSET 40 LIMIT 1", [author]).fetchone()
    return {"home": {"cursor_at": at, "cursor_uuid": uuid},
            "by_user": {"user_uuid": author, "cursor_at": author_at, "cursor_uuid": author_uuid}}


FEEDS = {
    "activities/home": lambda deep: {},
    "activities/by_user": lambda deep: {"user_uuid": deep["by_user"]["user_uuid"]},
}


def page(limit: int = 21, **params) -> dict:
    return {"now": NOW, "cursor_at": None, "cursor_uuid": None, "limit": limit, **params}


@pytest.mark.parametrize("name", FEEDS)
def test_a_feed_is_planned_once_per_connection_and_then_reused(volume_url, deep, name):
    counts = plans.reuse(volume_url, name, runs=12, **page(**FEEDS[name](deep)))
    # psycopg prepares on the 5th execution; PostgreSQL then tries custom plans 5 times before it may reuse
    assert counts["generic"] > 0, f"{name} is planned on every request: {counts}"


@pytest.mark.parametrize("name", FEEDS)
def test_the_reused_plan_seeks_the_index_to_the_cursor(conn, deep, name):
    area = name.split("/")[1]
    plan = plans.generic(conn, name, **page(**{**FEEDS[name](deep), **deep[area]}))
    assert "Seq Scan" not in plan, plan
    assert not plans.SORT.search(plan), plan
    conds = [line for line in plan.splitlines() if "Index Cond" in line and "created_at" in line]
    assert conds and all("ROW(created_at, uuid) " in cond for cond in conds), \
        f"the cursor is filtered row by row, not sought:\n{plan}"


def test_the_fixed_ceiling_in_the_feeds_is_the_largest_page_plus_one():
    # the extra row says whether another page follows
    for name in FEEDS:
        assert re.search(rf"LIMIT {MAX_PAGE_SIZE + 1}\)?\n", sql(name)), name
        assert re.search(r"LIMIT \{\{page_ceiling\}\}\)?\n", (SQL_ROOT / f"{name}.sql").read_text()), \
            f"{name} must take its ceiling from cruddur.paging, not a number of its own"
