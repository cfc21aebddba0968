"""The live-update counts on realistic volume: each one short index range, with or without parameter values
(the web app asks them every few seconds from every open tab), and the numbers the feeds themselves give."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cruddur.db import sql
from cruddur.paging import COUNT_CEILING
from tests import plans

NOW = datetime.now(timezone.utc)


def home_page(conn, limit: int) -> list[dict]:
    return plans.rows(conn, sql("activities/home"), now=NOW, cursor_at=None, cursor_uuid=None, limit=limit)


def count(conn, name: str, **params) -> int:
    return conn.execute(sql(name), params).fetchone()[0]


@pytest.mark.parametrize("depth", [0, 7, COUNT_CEILING + 10])
def test_new_cruds_seek_the_home_index_and_agree_with_the_feed(conn, depth):
    after = home_page(conn, min(depth + 1, 50))[-1]["uuid"] if depth < 50 else \
        conn.execute("SELECT uuid FROM activities WHERE reply_to_activity_uuid IS NULL AND expires_at > %s "
                     "ORDER BY created_at DESC, uuid DESC OFFSET %s LIMIT 1", [NOW, depth]).fetchone()[0]
    params = {"after": after, "now": NOW}
    for plan in (plans.custom(conn, "activities/home_new", **params),
                 plans.generic(conn, "activities/home_new", **params)):
        assert "Seq Scan" not in plan, plan
        cruds, reposts = plan.split('"*SELECT* 2"')
        assert "Sort" not in cruds, f"the cruds above are sorted, not walked in the index's order:\n{plan}"
        assert "activities_home_idx" in cruds, f"the count does not walk the feed's index:\n{plan}"
        assert "Index Cond: (ROW(created_at, uuid) >" in cruds, f"the crud's place is filtered, not sought:\n{plan}"
        # Reposts are far fewer than cruds: PostgreSQL may gather the ones above the place from their index and
        # sort them, but it must seek that index to the place and look each one's crud up by key.
        assert "reactions_reposts_idx" in reposts and "Index Cond: (ROW(created_at, uuid) >" in reposts, plan
        assert "Hash" not in reposts, f"every repost is read to find the latest of each crud:\n{plan}"
    assert count(conn, "activities/home_new", **params) == min(depth, COUNT_CEILING)


def test_new_cruds_without_after_stop_at_the_ceiling_rather_than_counting_the_table(conn):
    plan = plans.generic(conn, "activities/home_new", after=None, now=NOW)
    assert "Seq Scan" not in plan, plan
    assert count(conn, "activities/home_new", after=None, now=NOW) == COUNT_CEILING


def test_unread_notifications_read_one_index_range_of_the_person(conn):
    person = conn.execute("SELECT user_uuid FROM notifications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    for plan in (plans.custom(conn, "activities/notifications_unread", user_uuid=person, now=NOW),
                 plans.generic(conn, "activities/notifications_unread", user_uuid=person, now=NOW)):
        assert "Seq Scan" not in plan, plan
        assert "notifications_feed_idx" in plan or "notifications_pkey" in plan, plan
    live = conn.execute("SELECT count(*) FROM notifications n JOIN activities a ON a.uuid = n.activity_uuid "
                        "WHERE n.user_uuid = %s AND a.expires_at > %s", [person, NOW]).fetchone()[0]
    assert count(conn, "activities/notifications_unread", user_uuid=person, now=NOW) == min(live, COUNT_CEILING)
