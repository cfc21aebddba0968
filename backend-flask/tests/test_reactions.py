"""Likes and reposts: one of each per person and crud, counted right under concurrency, told to the author,
shown to the caller on every feed, and reposts in the home feed once per crud."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from conftest import FRONTEND
from cruddur.budgets import BUDGETS
from cruddur.db import Database, connect_pool
from cruddur.services import reactions
from helpers import post_crud, reply

MISSING = "00000000-0000-0000-0000-000000000000"
KINDS = [("like", "liked", "likes_count"), ("repost", "reposted", "reposts_count")]


def people(db, prefix: str, n: int) -> list:
    """n users without Cognito sign-ins, for the service-level tests: their uuids."""
    with db.pool.connection() as conn:
        return [row[0] for row in conn.execute(
            "INSERT INTO users (handle, display_name, email) "
            "SELECT %(p)s || n, %(p)s || ' ' || n, %(p)s || n || '@example.com' FROM generate_series(1, %(n)s) n "
            "ORDER BY n RETURNING uuid", {"p": prefix, "n": n})]


def react(client, auth, method, handle, uuid, kind):
    return client.open(f"/api/activities/{uuid}/{kind}", method=method, headers=auth.headers(handle))


def notifications(client, auth, handle):
    r = client.get("/api/activities/notifications", headers=auth.headers(handle))
    assert r.status_code == 200, r.json
    return r.json["items"]


def home(client, auth=None, handle=None, query=""):
    r = client.get(f"/api/activities/home{query}", headers=auth.headers(handle) if handle else {})
    assert r.status_code == 200, r.json
    return r.json


@pytest.mark.parametrize("kind, state, count", KINDS)
def test_doing_it_twice_is_once_and_taking_it_back_twice_is_once(client, auth, clock, kind, state, count):
    crud = post_crud(client, auth, "bayko")
    for _ in range(2):
        r = react(client, auth, "PUT", "londo", crud["uuid"], kind)
        assert (r.status_code, r.json[state], r.json[count]) == (200, True, 1)
    r = react(client, auth, "PUT", "andrewbrown", crud["uuid"], kind)
    assert r.json[count] == 2
    shown = client.get(f"/api/activities/@bayko/status/{crud['uuid']}").json["activity"]
    assert shown[count] == 2
    for _ in range(2):
        r = react(client, auth, "DELETE", "londo", crud["uuid"], kind)
        assert (r.status_code, r.json[state], r.json[count]) == (200, False, 1)
    assert client.get(f"/api/activities/@bayko/status/{crud['uuid']}").json["activity"][count] == 1


def test_a_like_and_a_repost_are_counted_apart(client, auth):
    crud = post_crud(client, auth, "bayko")
    react(client, auth, "PUT", "londo", crud["uuid"], "like")
    r = react(client, auth, "PUT", "londo", crud["uuid"], "repost")
    assert (r.json["likes_count"], r.json["reposts_count"]) == (1, 1)
    r = react(client, auth, "DELETE", "londo", crud["uuid"], "like")
    assert (r.json["liked"], r.json["likes_count"], r.json["reposts_count"]) == (False, 0, 1)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("kind", ["like", "repost"])
def test_a_missing_or_expired_crud_is_a_404(client, auth, clock, method, kind):
    crud = post_crud(client, auth, "bayko", ttl="1-hour")
    r = react(client, auth, method, "londo", MISSING, kind)
    assert (r.status_code, r.json["error"]["code"]) == (404, "activity_not_found")
    clock.now += timedelta(hours=1)
    r = react(client, auth, method, "londo", crud["uuid"], kind)
    assert (r.status_code, r.json["error"]["code"]) == (404, "activity_not_found")
    assert client.open(f"/api/activities/not-a-uuid/{kind}", method=method,
                       headers=auth.headers("londo")).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("kind", ["like", "repost"])
def test_reacting_needs_a_signed_in_caller(client, auth, method, kind):
    crud = post_crud(client, auth, "bayko")
    r = client.open(f"/api/activities/{crud['uuid']}/{kind}", method=method)
    assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")
    assert client.get(f"/api/activities/@bayko/status/{crud['uuid']}").json["activity"]["likes_count"] == 0


def test_the_author_hears_who_liked_and_reposted_and_a_taken_back_like_is_no_news(client, auth, clock):
    crud = post_crud(client, auth, "bayko", "my crud")
    clock.now += timedelta(seconds=1)
    react(client, auth, "PUT", "londo", crud["uuid"], "like")
    clock.now += timedelta(seconds=1)
    react(client, auth, "PUT", "andrewbrown", crud["uuid"], "repost")
    react(client, auth, "PUT", "andrewbrown", crud["uuid"], "like")  # the same instant as the repost
    items = notifications(client, auth, "bayko")
    assert sorted((a["reason"], a["actor"]["handle"]) for a in items[:2]) == [("like", "andrewbrown"),
                                                                             ("repost", "andrewbrown")]
    assert (items[2]["reason"], items[2]["actor"], items[2]["uuid"]) == (
        "like", {"handle": "londo", "display_name": "Londo Mollari"}, crud["uuid"])
    react(client, auth, "DELETE", "londo", crud["uuid"], "like")
    left = notifications(client, auth, "bayko")
    assert sorted((a["reason"], a["actor"]["handle"]) for a in left) == [("like", "andrewbrown"),
                                                                         ("repost", "andrewbrown")]
    assert notifications(client, auth, "londo") == [] and notifications(client, auth, "andrewbrown") == []


def test_reacting_to_ones_own_crud_is_no_news(client, auth):
    crud = post_crud(client, auth, "bayko")
    for kind in ("like", "repost"):
        assert react(client, auth, "PUT", "bayko", crud["uuid"], kind).status_code == 200
    assert notifications(client, auth, "bayko") == []


def test_replies_and_mentions_name_their_author_as_the_actor(client, auth, clock):
    crud = post_crud(client, auth, "bayko")
    clock.now += timedelta(seconds=1)
    reply(client, auth, "londo", crud["uuid"], "nice")
    [item] = notifications(client, auth, "bayko")
    assert (item["reason"], item["actor"]) == ("reply", {"handle": "londo", "display_name": "Londo Mollari"})


def test_like_notifications_of_an_expired_crud_go_with_it(client, auth, clock):
    crud = post_crud(client, auth, "bayko", ttl="1-hour")
    react(client, auth, "PUT", "londo", crud["uuid"], "like")
    assert len(notifications(client, auth, "bayko")) == 1
    clock.now += timedelta(hours=1)
    assert notifications(client, auth, "bayko") == []


def test_notifications_page_through_many_likes_of_one_crud_at_one_instant(client, auth, db, clock):
    """Notifications that share their time and their crud still page without gaps or repeats: each has a
    uuid of its own."""
    crud = post_crud(client, auth, "bayko")
    for person in people(db, "fan", 7):
        reactions.add(db, {"uuid": person}, crud["uuid"], "like", clock.now)
    seen, cursor = [], ""
    while True:
        r = client.get(f"/api/activities/notifications?limit=2&cursor={cursor}", headers=auth.headers("bayko"))
        seen += [a["actor"]["handle"] for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"fan{i}" for i in range(1, 8))


def test_every_feed_says_what_the_caller_liked_and_reposted_and_anonymous_readers_get_false(client, auth, clock):
    client.get("/api/me", headers=auth.headers("londo"))  # so that the reply below mentions someone
    liked = post_crud(client, auth, "bayko", "fargate liked")
    clock.now += timedelta(seconds=1)
    reposted = post_crud(client, auth, "bayko", "fargate reposted")
    clock.now += timedelta(seconds=1)
    reply_liked = reply(client, auth, "bayko", liked["uuid"], "a reply about @londo")
    react(client, auth, "PUT", "londo", liked["uuid"], "like")
    react(client, auth, "PUT", "londo", reposted["uuid"], "repost")
    react(client, auth, "PUT", "londo", reply_liked["uuid"], "like")

    def states(items):
        return {a["uuid"]: (a["liked"], a["reposted"]) for a in items}

    expected = {liked["uuid"]: (True, False), reposted["uuid"]: (False, True)}
    as_londo = auth.headers("londo")
    assert states(client.get("/api/activities/home", headers=as_londo).json["items"]) == expected
    assert states(client.get("/api/activities/@bayko", headers=as_londo).json["items"]) == expected
    assert states(client.get("/api/activities/search?term=fargate", headers=as_londo).json["items"]) == expected
    shown = client.get(f"/api/activities/@bayko/status/{liked['uuid']}", headers=as_londo).json
    assert (shown["activity"]["liked"], shown["replies"][0]["liked"]) == (True, True)
    assert states(client.get("/api/activities/notifications", headers=as_londo).json["items"]) == {
        reply_liked["uuid"]: (True, False)}
    for answer in (client.get("/api/activities/home").json["items"], client.get("/api/activities/@bayko").json["items"],
                   client.get("/api/activities/search?term=fargate").json["items"],
                   client.get("/api/activities/home", headers=auth.headers("andrewbrown")).json["items"]):
        assert set(states(answer).values()) == {(False, False)}
    anonymous = client.get(f"/api/activities/@bayko/status/{liked['uuid']}").json["activity"]
    assert (anonymous["liked"], anonymous["reposted"]) == (False, False)
    made = post_crud(client, auth, "londo")
    assert (made["liked"], made["reposted"]) == (False, False)


def test_a_repost_shows_once_at_its_latest_reposter_and_undoing_moves_it_back(client, auth, clock):
    old = post_crud(client, auth, "bayko", "old news")
    clock.now += timedelta(seconds=1)
    newer = post_crud(client, auth, "londo", "newer")
    clock.now += timedelta(seconds=1)
    react(client, auth, "PUT", "londo", old["uuid"], "repost")
    clock.now += timedelta(seconds=1)
    react(client, auth, "PUT", "andrewbrown", old["uuid"], "repost")
    items = home(client)["items"]
    assert [(a["uuid"], a["reposted_by"] and a["reposted_by"]["handle"]) for a in items] == [
        (old["uuid"], "andrewbrown"), (newer["uuid"], None)]
    assert items[0]["reposted_by"] == {"handle": "andrewbrown", "display_name": "Andrew Brown"}
    assert items[0]["reposts_count"] == 2 and items[0]["created_at"] == old["created_at"]
    react(client, auth, "DELETE", "andrewbrown", old["uuid"], "repost")
    assert [(a["uuid"], a["reposted_by"] and a["reposted_by"]["handle"]) for a in home(client)["items"]] == [
        (old["uuid"], "londo"), (newer["uuid"], None)]
    react(client, auth, "DELETE", "londo", old["uuid"], "repost")
    assert [(a["uuid"], a["reposted_by"]) for a in home(client)["items"]] == [(newer["uuid"], None),
                                                                              (old["uuid"], None)]


def test_a_crud_that_expires_leaves_every_feed_with_its_reposts(client, auth, clock):
    short = post_crud(client, auth, "bayko", "short lived", "1-hour")
    post_crud(client, auth, "bayko", "long lived", "1-day")
    react(client, auth, "PUT", "londo", short["uuid"], "repost")
    assert short["uuid"] in [a["uuid"] for a in home(client)["items"]]
    clock.now += timedelta(hours=1)
    assert [a["message"] for a in home(client)["items"]] == ["long lived"]
    assert notifications(client, auth, "bayko") == []


def test_home_pages_through_cruds_and_reposts_without_gaps_or_repeats(client, auth, clock):
    made = []
    for i in range(9):
        made.append(post_crud(client, auth, ("bayko", "londo")[i % 2], f"crud {i}")["uuid"])
        if i % 2:
            clock.now += timedelta(seconds=1)  # some share a timestamp: the uuid breaks the tie
    clock.now += timedelta(seconds=1)
    for i, uuid in enumerate(made[:6]):
        react(client, auth, "PUT", ("andrewbrown", "londo", "bayko")[i % 3], uuid, "repost")
        if i % 3 == 0:
            react(client, auth, "PUT", "andrewbrown" if i % 2 else "bayko", uuid, "repost")
        if i % 2:
            clock.now += timedelta(seconds=1)
    expected = [a["uuid"] for a in home(client, query="?limit=50")["items"]]
    for limit in (1, 2, 4):
        seen, cursor = [], ""
        while True:
            page = home(client, query=f"?limit={limit}&cursor={cursor}")
            assert len(page["items"]) <= limit
            seen += [a["uuid"] for a in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, f"limit {limit}"
    assert sorted(expected) == sorted(made), "each crud once"
    assert set(expected[:6]) == set(made[:6]), "the reposted ones first, at their reposts' times"


def test_reactions_have_budgets_of_their_own(client, auth, clock):
    crud = post_crud(client, auth, "bayko")
    for kind in ("like", "repost"):
        budget = BUDGETS[kind]
        for i in range(budget.count):
            assert react(client, auth, ("PUT", "DELETE")[i % 2], "londo", crud["uuid"], kind).status_code == 200
        over = react(client, auth, "PUT", "londo", crud["uuid"], kind)
        assert (over.status_code, over.json["error"]["code"]) == (429, "rate_limited")
        assert f"Too many {budget.what}: {budget.count} per 10 minutes." in over.json["error"]["message"]
    assert client.get(f"/api/activities/@bayko/status/{crud['uuid']}").json["activity"]["likes_count"] == 0


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_the_preflight_allows_put_and_delete(client, method):
    r = client.options("/api/activities/0b7a5d3e-8d4e-4c56-9a43-3b1f3d4a1e11/like", headers={
        "Origin": FRONTEND, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == FRONTEND
    assert method in {m.strip() for m in r.headers["Access-Control-Allow-Methods"].split(",")}


@pytest.fixture
def race(database_url, db):
    """A pool of 24 connections of its own, so that 24 reactions really run at once in PostgreSQL."""
    racing = Database(connect_pool(database_url, 24, 24))
    racing.pool.wait()
    yield racing
    racing.close()


def test_counts_stay_right_when_many_connections_race(race, db, clock):
    """48 people like and repost one crud at once over 24 connections, each of them three times, and a third
    of them take both back twice: the counts are the rows, and each row kept is one notification."""
    author, *racers = people(db, "racer", 49)
    with db.pool.connection() as conn:
        crud = conn.execute("INSERT INTO activities (user_uuid, message, expires_at) "
                            "VALUES (%s, 'race me', now() + interval '1 day') RETURNING uuid", [author]).fetchone()[0]
    tasks = [(person, kind, i % 3 == 0) for i, person in enumerate(racers) for kind in ("like", "repost")]
    start = threading.Barrier(24)

    def one(n):
        person, kind, takes_back = tasks[n]
        if n < 24:  # the first wave of 24 starts together; the rest follow as connections free up
            start.wait()
        for _ in range(3):
            reactions.add(race, {"uuid": person}, crud, kind, clock.now)
        if takes_back:
            for _ in range(2):
                reactions.remove(race, {"uuid": person}, crud, kind, clock.now)

    with ThreadPoolExecutor(24) as pool:
        list(pool.map(one, range(len(tasks))))
    kept = sum(1 for i in range(len(racers)) if i % 3)
    with db.pool.connection() as conn:
        counts = conn.execute("SELECT likes_count, reposts_count FROM activities WHERE uuid = %s", [crud]).fetchone()
        rows = dict(conn.execute("SELECT kind, count(*) FROM reactions GROUP BY kind").fetchall())
        news = dict(conn.execute("SELECT reason, count(*) FROM notifications WHERE user_uuid = %s GROUP BY reason",
                                 [author]).fetchall())
    assert counts == (kept, kept) and rows == {"like": kept, "repost": kept} and news == rows
