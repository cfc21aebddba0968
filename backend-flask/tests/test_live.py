"""Live updates: the home feed's "new cruds" count, the caller's unread notifications and their seen marker.

The messages half of the unread counts needs a table per test: tests/messages/test_messages_unread.py.
"""
from datetime import timedelta

import pytest

from cruddur.paging import COUNT_CEILING
from helpers import post_crud, reply


def new_count(client, **query):
    r = client.get("/api/activities/home/new", query_string=query)
    assert r.status_code == 200, r.json
    return r.json["count"]


def unread(client, auth, handle):
    r = client.get("/api/me/unread", headers=auth.headers(handle))
    assert r.status_code == 200, r.json
    return r.json


def test_new_cruds_counts_the_live_top_level_cruds_above_the_one_shown(client, auth, clock):
    shown = post_crud(client, auth, "andrewbrown", "the first one the reader sees")
    assert new_count(client, after=shown["uuid"]) == 0

    clock.now += timedelta(seconds=1)
    above = post_crud(client, auth, "bayko", "news")
    reply(client, auth, "londo", above["uuid"], "replies are not in the home feed")
    clock.now += timedelta(seconds=1)
    post_crud(client, auth, "londo", "short-lived", ttl="1-hour")

    assert new_count(client, after=shown["uuid"]) == 2
    assert new_count(client, after=above["uuid"]) == 1
    clock.now += timedelta(hours=1)
    assert new_count(client, after=shown["uuid"]) == 1, "an expired crud is not news"


def test_new_cruds_agrees_with_the_home_feed_above_the_crud_shown(client, auth, clock):
    uuids = []
    for i in range(4):
        uuids.append(post_crud(client, auth, "bayko", f"crud {i}")["uuid"])
        if i != 1:
            clock.now += timedelta(seconds=1)  # two share a timestamp: the uuid orders them, as in the feed
    feed = [a["uuid"] for a in client.get("/api/activities/home").json["items"]]
    for position, crud in enumerate(feed):
        assert new_count(client, after=crud) == position


def repost(client, auth, handle: str, crud_uuid: str) -> None:
    r = client.put(f"/api/activities/{crud_uuid}/repost", headers=auth.headers(handle))
    assert r.status_code == 200, r.json


def test_new_cruds_count_reposts_as_the_feed_shows_them(client, auth, clock):
    old = post_crud(client, auth, "andrewbrown", "an old crud")
    clock.now += timedelta(seconds=1)
    shown = post_crud(client, auth, "bayko", "the first one the reader sees")
    assert new_count(client, after=shown["uuid"]) == 0

    clock.now += timedelta(seconds=1)
    repost(client, auth, "londo", old["uuid"])
    assert new_count(client, after=shown["uuid"]) == 1, "a repost moves the old crud above the page's first"
    clock.now += timedelta(seconds=1)
    repost(client, auth, "bayko", old["uuid"])
    assert new_count(client, after=shown["uuid"]) == 1, "a crud shows once, however many repost it"

    # A reader whose page starts with the reposted crud counts from its repost, not from where it was posted.
    assert new_count(client, after=old["uuid"]) == 0
    clock.now += timedelta(seconds=1)
    post_crud(client, auth, "londo", "news")
    assert new_count(client, after=old["uuid"]) == 1
    feed = [a["uuid"] for a in client.get("/api/activities/home").json["items"]]
    for position, crud in enumerate(feed):
        assert new_count(client, after=crud) == position


def test_new_cruds_without_after_counts_every_live_crud_and_an_unknown_one_counts_nothing(client, auth):
    assert new_count(client) == 0
    post_crud(client, auth, "bayko")
    assert new_count(client) == 1
    assert new_count(client, after="00000000-0000-4000-8000-000000000000") == 0


def test_new_cruds_stop_counting_at_the_ceiling(client, auth, db, clock):
    shown = post_crud(client, auth, "bayko")
    with db.pool.connection() as conn:
        conn.execute("INSERT INTO activities (user_uuid, message, expires_at, created_at) "
                     "SELECT user_uuid, 'more', expires_at, created_at + n * interval '1 second' "
                     "FROM activities, generate_series(1, %s) n", [COUNT_CEILING + 5])
    assert new_count(client, after=shown["uuid"]) == COUNT_CEILING


@pytest.mark.parametrize("after", ["", "not-a-uuid", "{00000000-0000-4000-8000-000000000000}",
                                   "000000000000400080000000000000000", "00000000-0000-4000-8000-00000000000g"])
def test_new_cruds_refuses_an_after_that_is_not_a_uuid(client, after):
    r = client.get("/api/activities/home/new", query_string={"after": after})
    assert (r.status_code, r.json) == (400, {"error": {"code": "after_invalid",
                                                       "message": "after must be the uuid of a crud."}})


def test_new_cruds_refuses_a_bad_token_like_the_feed(client):
    r = client.get("/api/activities/home/new", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_a_reply_and_a_mention_count_as_unread_until_the_notifications_are_opened(client, auth, clock):
    mine = post_crud(client, auth, "andrewbrown", "what do you think?")
    assert unread(client, auth, "andrewbrown")["notifications"] == 0

    clock.now += timedelta(seconds=1)
    reply(client, auth, "bayko", mine["uuid"], "I think so")
    post_crud(client, auth, "londo", "hey @AndrewBrown look")
    post_crud(client, auth, "andrewbrown", "talking to myself @andrewbrown")
    assert unread(client, auth, "andrewbrown")["notifications"] == 2
    assert unread(client, auth, "bayko")["notifications"] == 0, "counts are the caller's own"

    clock.now += timedelta(seconds=1)
    r = client.post("/api/activities/notifications/seen", headers=auth.headers("andrewbrown"))
    assert (r.status_code, r.json) == (200, {"notifications": 0, "messages": 0})
    assert unread(client, auth, "andrewbrown")["notifications"] == 0
    assert client.get("/api/activities/notifications", headers=auth.headers("andrewbrown")).json["items"], \
        "seen notifications are still listed"

    clock.now += timedelta(seconds=1)
    post_crud(client, auth, "bayko", "@andrewbrown again")
    assert unread(client, auth, "andrewbrown")["notifications"] == 1


def test_the_seen_marker_never_moves_back(client, auth, clock):
    unread(client, auth, "andrewbrown")  # the users row exists before the mention names it
    post_crud(client, auth, "bayko", "@andrewbrown one")
    clock.now += timedelta(minutes=1)
    client.post("/api/activities/notifications/seen", headers=auth.headers("andrewbrown"))
    clock.now -= timedelta(minutes=2)  # a slow request from another tab, stamped earlier
    client.post("/api/activities/notifications/seen", headers=auth.headers("andrewbrown"))
    assert unread(client, auth, "andrewbrown")["notifications"] == 0, "the mention stays seen"


def test_an_expired_notification_is_not_unread(client, auth, clock):
    unread(client, auth, "andrewbrown")
    post_crud(client, auth, "bayko", "@andrewbrown for an hour", ttl="1-hour")
    assert unread(client, auth, "andrewbrown")["notifications"] == 1
    clock.now += timedelta(hours=1)
    assert unread(client, auth, "andrewbrown")["notifications"] == 0


@pytest.mark.parametrize("method, path", [("GET", "/api/me/unread"), ("POST", "/api/activities/notifications/seen")])
def test_unread_counts_and_the_seen_marker_need_a_valid_token(client, method, path):
    for headers in ({}, {"Authorization": "Bearer nope"}):
        r = client.open(path, method=method, headers=headers)
        assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")
