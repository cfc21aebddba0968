"""Notifications and search on realistic volume: read through indexes rather than by scanning every crud,
and still the answers their plain definitions give."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from cruddur.db import sql
from cruddur.paging import place
from tests import plans

NOW = datetime.now(timezone.utc)
SCAN = "Seq Scan on activities"
TWICE = "using activities_pkey"

# What notifications and search mean, written the plain way (the way that scans every crud): the oracles
# the indexed queries must agree with.
NOTIFICATIONS_DEFINED = """
SELECT * FROM (
  SELECT v.*, CASE WHEN parent.user_uuid = %(user_uuid)s THEN 'reply' ELSE 'mention' END AS reason,
         v.created_at AS feed_at, v.uuid AS feed_uuid, v.handle AS actor_handle, v.display_name AS actor_display_name
  FROM activity_view v
  LEFT JOIN activities parent ON parent.uuid = v.reply_to_activity_uuid
  WHERE v.user_uuid <> %(user_uuid)s
    AND v.expires_at > %(now)s
    AND (parent.user_uuid = %(user_uuid)s
         OR v.message ~* ('(^|[^A-Za-z0-9_])@' || %(handle)s || '($|[^A-Za-z0-9_])'))
  UNION ALL
  SELECT v.*, r.kind, r.created_at, r.uuid, actor.handle, actor.display_name
  FROM reactions r
  JOIN activity_view v ON v.uuid = r.activity_uuid
  JOIN users actor ON actor.uuid = r.user_uuid
  WHERE v.user_uuid = %(user_uuid)s AND r.user_uuid <> %(user_uuid)s AND v.expires_at > %(now)s
) news
ORDER BY feed_at DESC, feed_uuid DESC
"""
SEARCH_DEFINED = """
SELECT * FROM activity_view
WHERE uuid IN (SELECT uuid FROM activities WHERE search_vector @@ websearch_to_tsquery('english', %(term)s))
  AND expires_at > %(now)s
ORDER BY created_at DESC, uuid DESC
"""


def first_page(limit: int = 21, **params) -> dict:
    return {"now": NOW, "cursor_at": None, "cursor_uuid": None, "limit": limit, **params}


def every_page(conn, name: str, limit: int, most: int | None = None, **params) -> list[dict]:
    """The rows of db/sql/<name>.sql (all, or the first `most`), read a page at a time as the API does."""
    seen, cursor = [], {"cursor_at": None, "cursor_uuid": None}
    while True:
        got = plans.rows(conn, sql(name), now=NOW, limit=limit, **cursor, **params)
        seen += got
        if len(got) < limit or (most and len(seen) >= most):
            return seen[:most]
        at, after = place(got[-1])
        cursor = {"cursor_at": at, "cursor_uuid": after}


@pytest.fixture
def mentioned(scratch):
    """A person the seed mentions (@bench1..@bench50) whose cruds others have replied to: some replies name
    them too, one is expired; plus their own mention of themselves and another's expired mention."""
    me = scratch.execute(
        "SELECT u.uuid, u.handle FROM users u JOIN activities a ON a.user_uuid = u.uuid "
        "WHERE u.handle ~ '^bench([1-9]|[1-4][0-9]|50)$' GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 1").fetchone()
    other = scratch.execute("SELECT uuid FROM users WHERE uuid <> %s ORDER BY handle LIMIT 1", [me[0]]).fetchone()[0]
    scratch.execute(
        "INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at, created_at) "
        "SELECT %(other)s, CASE WHEN n %% 2 = 0 THEN 'well said @' || %(handle)s ELSE 'well said' END, a.uuid, "
        "       CASE WHEN n %% 5 = 0 THEN %(now)s - interval '1 minute' ELSE a.expires_at END, "
        "       a.created_at + interval '2 minutes' "
        "FROM (SELECT uuid, expires_at, created_at, row_number() OVER (ORDER BY created_at) AS n "
        "      FROM activities WHERE user_uuid = %(me)s AND reply_to_activity_uuid IS NULL) a",
        {"other": other, "me": me[0], "handle": me[1], "now": NOW})
    scratch.execute(
        "INSERT INTO activities (user_uuid, message, expires_at, created_at) VALUES "
        "(%(me)s, 'note to self @' || %(handle)s, %(now)s + interval '1 day', %(now)s - interval '1 second'), "
        "(%(other)s, 'too late @' || %(handle)s, %(now)s - interval '1 second', %(now)s - interval '2 seconds')",
        {"other": other, "me": me[0], "handle": me[1], "now": NOW})
    return {"user_uuid": me[0], "handle": me[1], "viewer_sub": signed_up(scratch, me[0])}


def signed_up(conn, user_uuid) -> str:
    """Give the person a Cognito sub, as their first signed-in call does, and return it: notifications are read
    for the users row a sub names (db/sql/activities/notifications.sql)."""
    return conn.execute("UPDATE users SET cognito_user_id = 'sub-' || uuid WHERE uuid = %s RETURNING cognito_user_id",
                        [user_uuid]).fetchone()[0]


def test_notifications_read_one_index_range_of_the_person(scratch, mentioned):
    for plan in (plans.custom(scratch, "activities/notifications", **first_page(**mentioned)),
                 plans.generic(scratch, "activities/notifications", **first_page(**mentioned))):
        assert SCAN not in plan, plan
        assert "Seq Scan on notifications" not in plan, plan
        assert "notifications_feed_key" in plan, f"the person's news is not read through its index:\n{plan}"
    assert "Sort" not in plans.custom(scratch, "activities/notifications", **first_page(**mentioned))


def test_a_deep_notifications_page_seeks_the_index_to_the_cursor(scratch):
    person = scratch.execute(
        "SELECT user_uuid FROM notifications GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    at, uuid = scratch.execute("SELECT created_at, COALESCE(uuid, activity_uuid) FROM notifications "
                               "WHERE user_uuid = %s ORDER BY 1 DESC, 2 DESC OFFSET 300 LIMIT 1", [person]).fetchone()
    plan = plans.custom(scratch, "activities/notifications", **first_page(
        user_uuid=person, viewer_sub=signed_up(scratch, person), cursor_at=at, cursor_uuid=uuid))
    assert "Sort" not in plan, plan
    assert re.search(r"^Subquery Scan .* rows=21 loops=1\)$", plan.splitlines()[0]), f"not a whole page:\n{plan}"
    cond = next((line for line in plan.splitlines() if "Index Cond" in line and "created_at" in line), "")
    assert "ROW(created_at, COALESCE(uuid, activity_uuid)) <" in cond, \
        f"the cursor is filtered row by row, not sought:\n{plan}"


def test_notifications_page_through_what_the_definition_gives(scratch, mentioned):
    expected = plans.rows(scratch, NOTIFICATIONS_DEFINED, now=NOW, **mentioned)
    reasons = {r["reason"] for r in expected}
    assert reasons >= {"reply", "mention", "like"}, f"the set-up should give every kind of news, not {reasons}"
    got = every_page(scratch, "activities/notifications", 17, **mentioned)
    assert plans.keys(got, "reason", "feed_at", "feed_uuid") == plans.keys(expected, "reason", "feed_at", "feed_uuid")


def test_a_reply_that_names_me_is_one_reply_and_my_own_and_expired_cruds_are_no_news(scratch, mentioned):
    got = every_page(scratch, "activities/notifications", 50, **mentioned)
    news = [r for r in got if r["reason"] in ("reply", "mention")]
    assert len({r["uuid"] for r in news}) == len(news), "a crud came twice"
    naming = [r for r in news if r["reply_to_activity_uuid"] and r["message"].startswith("well said @")]
    assert naming and {r["reason"] for r in naming} == {"reply"}
    assert all(r["handle"] != mentioned["handle"] for r in news)
    assert all(r["actor"]["handle"] != mentioned["handle"] for r in got), "my own doings are no news"
    assert all(datetime.fromisoformat(r["expires_at"]) > NOW for r in got)
    assert not [r for r in got if r["message"].startswith(("note to self", "too late"))]


def test_a_common_search_word_walks_newest_first_and_stops_after_a_page(conn):
    plan = plans.custom(conn, "activities/search", **first_page(term="fargate"))
    assert SCAN not in plan, plan
    assert "Sort" not in plan, f"every match is read and sorted:\n{plan}"
    assert "activities_created_idx" in plan, plan
    assert TWICE not in plan, f"each crud the walk passes is read a second time to test the words:\n{plan}"


def test_a_rare_search_word_reads_its_few_rows_through_the_search_index(scratch):
    scratch.execute(
        "INSERT INTO activities (user_uuid, message, expires_at, created_at) "
        "SELECT (SELECT uuid FROM users ORDER BY handle LIMIT 1), 'A quokka, number ' || n, "
        "       %(now)s + CASE WHEN n = 2 THEN interval '-1 hour' ELSE interval '1 day' END, "
        "       %(now)s - n * interval '1 day' "
        "FROM generate_series(1, 4) AS n", {"now": NOW})
    plan = plans.custom(scratch, "activities/search", **first_page(term="quokka"))
    assert SCAN not in plan, plan
    assert "activities_search_idx" in plan, plan
    assert TWICE not in plan, f"each match is read a second time, by its key:\n{plan}"
    found = every_page(scratch, "activities/search", 2, term="quokka")
    assert [r["message"] for r in found] == ["A quokka, number 1", "A quokka, number 3", "A quokka, number 4"]


@pytest.mark.parametrize("term", ["fargate", "4242", "cloud -postgres", "crud number 1"])
def test_search_pages_through_what_the_definition_gives(conn, term):
    expected = plans.rows(conn, SEARCH_DEFINED + " LIMIT 120", now=NOW, term=term)
    got = every_page(conn, "activities/search", 40, most=120, term=term)
    assert plans.keys(got, "created_at") == plans.keys(expected, "created_at")


@pytest.mark.parametrize("term", ["fargate", "4242"])
def test_search_is_planned_for_its_own_words(volume_url, term):
    # a plan made without the term walks every crud for a rare one: it must not be reused
    counts = plans.reuse(volume_url, "activities/search", runs=12, **first_page(term=term))
    assert counts["generic"] == 0, f"search reused a plan made without its words: {counts}"


def test_a_deep_search_page_seeks_the_index_to_the_cursor(conn):
    at, uuid = conn.execute(
        "SELECT created_at, uuid FROM activities ORDER BY created_at DESC, uuid DESC OFFSET 5000 LIMIT 1").fetchone()
    plan = plans.custom(conn, "activities/search", **first_page(term="fargate", cursor_at=at, cursor_uuid=uuid))
    assert SCAN not in plan and "Sort" not in plan, plan
    cond = next((line for line in plan.splitlines() if "Index Cond" in line and "created_at" in line), "")
    assert "ROW(created_at, uuid) <" in cond, f"the cursor is filtered row by row, not sought:\n{plan}"
