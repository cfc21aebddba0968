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
    author, handle = conn.execute(
        "SELECT a.user_uuid, u.handle FROM activities a JOIN users u ON u.uuid = a.user_uuid "
        "GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1").fetchone()
    author_at, author_uuid = conn.execute(
        "SELECT created_at, uuid FROM activities WHERE user_uuid = %s AND reply_to_activity_uuid IS NULL "
        "ORDER BY created_at DESC, uuid DESC OFFSET 40 LIMIT 1", [author]).fetchone()
    return {"home": {"cursor_at": at, "cursor_uuid": uuid},
            "profile_page": {"handle": handle, "cursor_at": author_at, "cursor_uuid": author_uuid}}


FEEDS = {
    "activities/home": lambda deep: {},
    "users/profile_page": lambda deep: {"handle": deep["profile_page"]["handle"]},
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
    # Only the page itself may be put in order, last (users/profile_page.sql joins its person's row to it):
    # never the cruds it was sought among.
    top, *below = plan.splitlines()
    assert not plans.SORT.search("\n".join(below)), plan
    if plans.SORT.search(top):
        assert int(re.search(r"actual time=\S+ rows=(\d+)", top).group(1)) <= MAX_PAGE_SIZE + 1, plan
    conds = [line for line in plan.splitlines() if "Index Cond" in line and "created_at" in line]
    assert conds and all("ROW(created_at, uuid) " in cond for cond in conds), \
        f"the cursor is filtered row by row, not sought:\n{plan}"


def test_the_fixed_ceiling_in_the_feeds_is_the_largest_page_plus_one():
    # the extra row says whether another page follows
    for name in FEEDS:
        assert re.search(rf"LIMIT {MAX_PAGE_SIZE + 1}\)?\n", sql(name)), name
        assert re.search(r"LIMIT \{\{page_ceiling\}\}\)?\n", (SQL_ROOT / f"{name}.sql").read_text()), \
            f"{name} must take its ceiling from cruddur.paging, not a number of its own"
