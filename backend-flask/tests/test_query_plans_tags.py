"""#tag search and Trending on realistic volume (db/volume.sql tags most cruds): one index range each, never a
scan of every crud or every tag, and still the answers their plain definitions give."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from cruddur.db import sql
from cruddur.paging import place
from cruddur.services.tags import TRENDING_SHOWN, TRENDING_WINDOW
from tests import plans

NOW = datetime.now(timezone.utc)
# What the two mean, written the plain way, from the cruds' own text (every crud's, at every read).
TAGGED_DEFINED = """
SELECT * FROM activity_view
WHERE %(tag)s = ANY (crud_tags_in(message)) AND expires_at > %(now)s
ORDER BY created_at DESC, uuid DESC
"""
TRENDING_DEFINED = """
SELECT tag, count(DISTINCT user_uuid) AS people, count(*) AS cruds
FROM activities, unnest(crud_tags_in(message)) AS tag
WHERE created_at > %(since)s AND expires_at > %(now)s
GROUP BY tag
ORDER BY people DESC, cruds DESC, tag
LIMIT %(limit)s
"""
COMMON, RARE = "cloud", "topic7"


def page(limit: int = 21, **params) -> dict:
    return {"now": NOW, "cursor_at": None, "cursor_uuid": None, "limit": limit, **params}


def trending_params() -> dict:
    return {"since": NOW - TRENDING_WINDOW, "now": NOW, "limit": TRENDING_SHOWN}


def test_the_volume_seed_has_common_and_rare_tags(conn):
    counts = dict(conn.execute("SELECT tag, count(*) FROM crud_tags WHERE tag IN (%s, %s) GROUP BY 1",
                               [COMMON, RARE]).fetchall())
    assert counts[COMMON] > 5000 and 5 <= counts[RARE] <= 40, counts


@pytest.mark.parametrize("tag", [COMMON, RARE])
def test_a_tag_search_planned_for_its_tag_or_reused_seeks_the_tags_index_to_the_cursor(conn, tag):
    at, uuid = conn.execute("SELECT created_at, activity_uuid FROM crud_tags WHERE tag = %s "
                            "ORDER BY created_at DESC, activity_uuid DESC OFFSET 3 LIMIT 1", [tag]).fetchone()
    for plan in (plans.generic(conn, "activities/tagged", **page(tag=tag, cursor_at=at, cursor_uuid=uuid)),
                 plans.custom(conn, "activities/tagged", **page(tag=tag, cursor_at=at, cursor_uuid=uuid))):
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
        cond = next((line for line in plan.splitlines() if "Index Cond" in line and "tag =" in line), "")
        assert "ROW(created_at, activity_uuid) <" in cond, f"the tag's cruds are not sought to the cursor:\n{plan}"
        assert "crud_tags_feed_idx" in plan, plan


@pytest.mark.parametrize("tag", [COMMON, RARE, "nobody-uses-this"])
def test_a_tag_search_pages_through_what_the_definition_gives(conn, tag):
    expected = plans.rows(conn, TAGGED_DEFINED + " LIMIT 90", tag=tag, now=NOW)
    seen, cursor = [], {"cursor_at": None, "cursor_uuid": None}
    while len(seen) < 90:
        got = plans.rows(conn, sql("activities/tagged"), now=NOW, limit=30, tag=tag, **cursor)
        seen += got
        if len(got) < 30:
            break
        cursor = dict(zip(("cursor_at", "cursor_uuid"), place(got[-1]), strict=True))
    assert plans.keys(seen[:90]) == plans.keys(expected)


def test_trending_reads_only_the_last_days_tag_uses_from_one_index(conn):
    plan = plans.custom(conn, "tags/trending", **trending_params())
    assert "Seq Scan" not in plan, plan
    assert "Index Only Scan using crud_tags_recent_idx" in plan, plan
    in_window = conn.execute("SELECT count(*) FROM crud_tags WHERE created_at > %s",
                             [NOW - TRENDING_WINDOW]).fetchone()[0]
    total = conn.execute("SELECT count(*) FROM crud_tags").fetchone()[0]
    scan = next(line for line in plan.splitlines() if "Index Only Scan using crud_tags_recent_idx" in line)
    read = int(re.search(r"actual time=\S+ rows=(\d+)", scan).group(1))
    assert 0 < read <= in_window < total / 10, f"read {read} of {total} tag uses ({in_window} in the window):\n{plan}"


def test_trending_is_what_the_definition_gives(conn):
    expected = plans.rows(conn, TRENDING_DEFINED, **trending_params())
    assert [r["tag"] for r in expected][:2] == [COMMON, "postgres"], expected
    assert plans.rows(conn, sql("tags/trending"), **trending_params()) == expected


def test_trending_a_day_from_now_counts_nothing_that_has_expired(conn):
    later = {**trending_params(), "since": NOW + timedelta(hours=1) - TRENDING_WINDOW, "now": NOW + timedelta(hours=1)}
    assert plans.rows(conn, sql("tags/trending"), **later) == plans.rows(conn, TRENDING_DEFINED, **later)
