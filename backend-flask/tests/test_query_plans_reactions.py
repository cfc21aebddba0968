"""Likes and reposts on realistic volume: the home feed with reposts walks two indexes and pages through what
its plain definition gives, and the reader's own likes and reposts are primary-key lookups."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cruddur.db import sql
from cruddur.paging import place
from tests import plans

NOW = datetime.now(timezone.utc)

# The home feed as defined: each live top-level crud once, at its latest repost (by that reposter) if it has
# any, else where it was posted; written the plain way, ranking every repost of every crud.
HOME_DEFINED = """
SELECT v.*, coalesce(latest.created_at, v.created_at) AS feed_at, coalesce(latest.uuid, v.uuid) AS feed_uuid,
       reposter.handle AS reposted_by_handle, reposter.display_name AS reposted_by_display_name
FROM activity_view v
LEFT JOIN (SELECT r.*, row_number() OVER (PARTITION BY activity_uuid ORDER BY created_at DESC, uuid DESC) AS nth
           FROM reactions r WHERE kind = 'repost') latest ON latest.activity_uuid = v.uuid AND latest.nth = 1
LEFT JOIN users reposter ON reposter.uuid = latest.user_uuid
WHERE v.reply_to_activity_uuid IS NULL AND v.expires_at > %(now)s
ORDER BY feed_at DESC, feed_uuid DESC
LIMIT 300
"""


def home_pages(conn, limit: int, most: int) -> list[dict]:
    seen, cursor = [], (None, None)
    while len(seen) < most:
        got = plans.rows(conn, sql("activities/home"), now=NOW, limit=limit, cursor_at=cursor[0], cursor_uuid=cursor[1])
        seen += got
        if len(got) < limit:
            break
        cursor = place(got[-1])
    return seen[:most]


def test_home_with_reposts_pages_through_what_the_definition_gives(scratch):
    # several reposters of a few recent cruds, so that "latest repost only" is put to work at volume
    scratch.execute(
        "INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at) "
        "SELECT u.uuid, a.uuid, 'repost', %(now)s - (n * interval '1 minute'), a.expires_at "
        "FROM (SELECT uuid, expires_at FROM activities WHERE reply_to_activity_uuid IS NULL AND expires_at > %(now)s "
        "      ORDER BY created_at DESC LIMIT 40) a, "
        "     LATERAL (SELECT uuid, row_number() OVER () AS n FROM users ORDER BY uuid LIMIT 3) u "
        "ON CONFLICT DO NOTHING", {"now": NOW})
    scratch.execute("UPDATE activities a SET reposts_count = (SELECT count(*) FROM reactions r "
                    "WHERE r.activity_uuid = a.uuid AND r.kind = 'repost') WHERE reposts_count > 0 OR uuid IN "
                    "(SELECT activity_uuid FROM reactions WHERE kind = 'repost')")
    expected = plans.rows(scratch, HOME_DEFINED, now=NOW)
    assert any(r["reposted_by_handle"] for r in expected[:40]), "the set-up should put reposts at the top"
    for limit in (7, 50):
        got = home_pages(scratch, limit, len(expected))
        assert [(str(r["uuid"]), (r["reposted_by"] or {}).get("handle")) for r in got] == \
            [(str(r["uuid"]), r["reposted_by_handle"]) for r in expected], f"limit {limit}"
        assert len({r["uuid"] for r in got}) == len(got), "a crud came twice"


def test_a_deep_home_page_seeks_both_indexes_to_the_cursor(conn):
    at, uuid = conn.execute("SELECT created_at, uuid FROM reactions WHERE kind = 'repost' "
                            "ORDER BY created_at DESC, uuid DESC OFFSET 300 LIMIT 1").fetchone()
    for plan in (plans.generic(conn, "activities/home", now=NOW, limit=21, cursor_at=at, cursor_uuid=uuid),
                 plans.custom(conn, "activities/home", now=NOW, limit=21, cursor_at=at, cursor_uuid=uuid)):
        assert "Seq Scan" not in plan and not plans.SORT.search(plan), plan
        for index in ("activities_home_idx", "reactions_reposts_idx"):
            scan = plan.split(f"Index Scan using {index}", 1)
            assert len(scan) == 2, f"{index} is not walked:\n{plan}"
            assert "ROW(created_at, uuid) <" in scan[1].splitlines()[1], f"{index} is not sought:\n{plan}"
        assert "reactions_activity_idx on reactions later" in plan, f"the latest repost is not looked up:\n{plan}"


def test_the_readers_own_likes_and_reposts_are_key_lookups_however_many_they_have(scratch):
    fan = scratch.execute("INSERT INTO users (handle, display_name, email, cognito_user_id) "
                          "VALUES ('fan', 'Fan', 'fan@example.com', 'fan-sub') RETURNING uuid").fetchone()[0]
    scratch.execute("INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at) "
                    "SELECT %s, uuid, 'like', created_at, expires_at FROM activities", [fan])
    scratch.execute("ANALYZE reactions")
    params = {"now": NOW, "limit": 21, "cursor_at": None, "cursor_uuid": None, "viewer_sub": "fan-sub"}
    for plan in (plans.custom(scratch, "activities/home", **params),
                 plans.generic(scratch, "activities/home", **params)):
        assert "Seq Scan" not in plan, plan
        lookups = [line for line in plan.splitlines()
                   if "Index Cond" in line and "activity_uuid = v.uuid" in line]
        assert len(lookups) == 2, f"the reader's reactions are read whole, not looked up crud by crud:\n{plan}"
    found = plans.rows(scratch, sql("activities/home"), **params)
    assert len(found) == 21 and all(r["liked"] and not r["reposted"] for r in found)
    # an anonymous reader's statement asks nothing about them, and shows the same page
    nobody = {**params, "viewer_sub": None}
    assert "on reactions mine" in plans.custom(scratch, "activities/home", **params)
    assert "on reactions mine" not in plans.custom(scratch, "activities/home", **nobody)
    for text in (sql("activities/home", anonymous=True), sql("activities/home")):
        anonymous = plans.rows(scratch, text, **nobody)
        assert [r["uuid"] for r in anonymous] == [r["uuid"] for r in found]
        assert not any(r["liked"] or r["reposted"] for r in anonymous)


@pytest.mark.parametrize("name", ["reactions/add", "reactions/remove"])
def test_reacting_touches_one_crud_by_its_keys(scratch, name):
    liker, crud = scratch.execute("SELECT u.uuid, a.uuid FROM users u, activities a "
                                  "WHERE a.expires_at > now() LIMIT 1").fetchone()
    plan = plans.custom(scratch, name, user_uuid=liker, activity_uuid=crud, kind="like", now=NOW)
    assert "Seq Scan" not in plan, plan
