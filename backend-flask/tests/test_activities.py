from datetime import timedelta

import pytest

from cruddur.db import Database
from helpers import post_crud, reply, sub_of

TTLS = {"30-days": timedelta(days=30), "7-days": timedelta(days=7), "3-days": timedelta(days=3),
        "1-day": timedelta(days=1), "12-hours": timedelta(hours=12), "3-hours": timedelta(hours=3),
        "1-hour": timedelta(hours=1)}


def iso(moment):
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize("ttl", TTLS)
def test_create_crud_is_authored_by_caller_and_expires_after_ttl(client, auth, clock, ttl):
    created = post_crud(client, auth, "bayko", "  Fargate is up  ", ttl)
    assert created["handle"] == "bayko"
    assert created["display_name"] == "Andrew Bayko"
    assert created["message"] == "Fargate is up"
    assert created["created_at"] == iso(clock.now)
    assert created["expires_at"] == iso(clock.now + TTLS[ttl])
    assert (created["replies_count"], created["reposts_count"], created["likes_count"]) == (0, 0, 0)
    assert created["reply_to_activity_uuid"] is None


@pytest.mark.parametrize("body, code", [
    ({"message": "", "ttl": "1-day"}, "message_blank"),
    ({"message": "   \n\t ", "ttl": "1-day"}, "message_blank"),
    ({"message": "\u200b\ufeff\u200d \u2060", "ttl": "1-day"}, "message_blank"),
    ({"message": "\x1b[31m\x1b[0m\x07\x85", "ttl": "1-day"}, "message_blank"),
    ({"message": "x" * 281, "ttl": "1-day"}, "message_too_long"),
    ({"message": "x" * 280 + " ", "ttl": "1-day"}, "message_too_long"),
    ({"message": "red\x1b[31m alert", "ttl": "1-day"}, "invalid_character"),
    ({"message": "hi", "ttl": "2-days"}, "ttl_unknown"),
    ({"message": "hi", "ttl": ""}, "ttl_unknown"),
    ({"message": "hi"}, "missing_field"),
    ({"ttl": "1-day"}, "missing_field"),
    ({"message": None, "ttl": "1-day"}, "missing_field"),
    ({"message": 42, "ttl": "1-day"}, "wrong_type"),
    ({"message": ["hi"], "ttl": "1-day"}, "wrong_type"),
    ({"message": "hi", "ttl": True}, "wrong_type"),
    ({"message": "hi", "ttl": "1-day", "handle": "andrewbrown"}, "unknown_field"),
    ({"message": "hi", "ttl": "1-day", "user_uuid": "x"}, "unknown_field"),
])
def test_create_crud_rejects_bad_input(client, auth, body, code):
    r = client.post("/api/activities", json=body, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, code)


def test_create_crud_accepts_280_characters_as_sent_and_drops_the_invisible_around_them(client, auth):
    assert post_crud(client, auth, "bayko", "é" * 280)["message"] == "é" * 280
    assert post_crud(client, auth, "bayko", "\ufeff \u200bhi\u200d\n\t")["message"] == "hi"


def test_home_lists_live_top_level_cruds_newest_first(client, auth, clock):
    first = post_crud(client, auth, "bayko", "first", "1-hour")
    clock.now += timedelta(minutes=1)
    second = post_crud(client, auth, "londo", "second", "1-day")
    reply(client, auth, "andrewbrown", second["uuid"])
    r = client.get("/api/activities/home")
    assert r.status_code == 200
    assert [a["uuid"] for a in r.json["items"]] == [second["uuid"], first["uuid"]]
    assert r.json["items"][0]["replies_count"] == 1
    assert r.json["next_cursor"] is None
    clock.now += timedelta(hours=1)
    assert [a["uuid"] for a in client.get("/api/activities/home").json["items"]] == [second["uuid"]]


def test_home_pages_with_cursor_without_gaps_or_repeats(client, auth, clock):
    made = []
    for i in range(7):
        made.append(post_crud(client, auth, "bayko", f"crud {i}")["uuid"])
        if i % 2:
            clock.now += timedelta(seconds=1)  # some share a timestamp: the uuid breaks the tie
    seen, cursor = [], ""
    while True:
        r = client.get(f"/api/activities/home?limit=3&cursor={cursor}")
        assert r.status_code == 200 and len(r.json["items"]) <= 3
        seen += [a["uuid"] for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 7
    assert seen[0] == made[-1]


@pytest.mark.parametrize("query, code", [
    ("limit=0", "limit_invalid"), ("limit=51", "limit_invalid"), ("limit=-1", "limit_invalid"),
    ("limit=abc", "limit_invalid"), ("limit=1.5", "limit_invalid"),
    ("cursor=not-a-cursor", "cursor_invalid"), ("cursor=W10", "cursor_invalid"),
    ("cursor=' OR 1=1 --", "cursor_invalid"), ("limit=", "limit_invalid"), ("limit=%C2%B2", "limit_invalid"),
    ("limit=%E2%91%A0", "limit_invalid"), ("limit=%D9%A5", "limit_invalid"), ("limit=+5", "limit_invalid"),
    ("limit=5%20", "limit_invalid"), ("limit=1_0", "limit_invalid"), ("limit=" + "9" * 5000, "limit_invalid"),
])
def test_home_rejects_bad_paging(client, query, code):
    r = client.get(f"/api/activities/home?{query}")
    assert (r.status_code, r.json["error"]["code"]) == (400, code)


def test_show_returns_crud_with_replies_oldest_first(client, auth, clock):
    parent = post_crud(client, auth, "bayko", "parent")
    clock.now += timedelta(seconds=5)
    one = reply(client, auth, "londo", parent["uuid"], "one")
    clock.now += timedelta(seconds=5)
    two = reply(client, auth, "andrewbrown", parent["uuid"], "two")
    r = client.get(f"/api/activities/@Bayko/status/{parent['uuid']}")
    assert r.status_code == 200
    assert r.json["activity"]["uuid"] == parent["uuid"]
    assert r.json["activity"]["replies_count"] == 2
    assert [x["uuid"] for x in r.json["replies"]] == [one["uuid"], two["uuid"]]
    assert r.json["replies"][0]["reply_to_activity_uuid"] == parent["uuid"]
    assert r.json["replies"][0]["expires_at"] == parent["expires_at"]


def test_show_is_404_for_wrong_handle_unknown_uuid_or_expired(client, auth, clock):
    crud = post_crud(client, auth, "bayko", "short lived", "1-hour")
    assert client.get(f"/api/activities/@londo/status/{crud['uuid']}").status_code == 404
    assert client.get("/api/activities/@bayko/status/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/api/activities/@bayko/status/not-a-uuid").status_code == 404
    clock.now += timedelta(hours=1, seconds=1)
    r = client.get(f"/api/activities/@bayko/status/{crud['uuid']}")
    assert (r.status_code, r.json["error"]["code"]) == (404, "activity_not_found")


def test_reply_counts_on_parent_and_refuses_missing_or_expired_parent(client, auth, clock):
    parent = post_crud(client, auth, "bayko", "parent", "1-hour")
    made = reply(client, auth, "londo", parent["uuid"], "  hi there ")
    assert (made["message"], made["handle"], made["reply_to_activity_uuid"]) == ("hi there", "londo", parent["uuid"])
    r = client.post("/api/activities/00000000-0000-0000-0000-000000000000/reply", json={"message": "x"},
                    headers=auth.headers("londo"))
    assert (r.status_code, r.json["error"]["code"]) == (404, "activity_not_found")
    clock.now += timedelta(hours=2)
    r = client.post(f"/api/activities/{parent['uuid']}/reply", json={"message": "late"},
                    headers=auth.headers("londo"))
    assert (r.status_code, r.json["error"]["code"]) == (404, "activity_not_found")


@pytest.mark.parametrize("body, code", [
    ({"message": ""}, "message_blank"), ({"message": "y" * 281}, "message_too_long"),
    ({}, "missing_field"), ({"message": 1}, "wrong_type"), ({"message": "x", "ttl": "1-day"}, "unknown_field"),
])
def test_reply_rejects_bad_input(client, auth, body, code):
    parent = post_crud(client, auth, "bayko")
    r = client.post(f"/api/activities/{parent['uuid']}/reply", json=body, headers=auth.headers("londo"))
    assert (r.status_code, r.json["error"]["code"]) == (400, code)


def test_concurrent_replies_are_all_counted(app, auth):
    """Replies racing on one parent must each add one: the count is updated in the same statement."""
    from concurrent.futures import ThreadPoolExecutor

    client = app.test_client()
    parent = post_crud(client, auth, "bayko")
    headers = auth.headers("londo")
    client.get("/api/me", headers=headers)

    def one(i):
        return app.test_client().post(f"/api/activities/{parent['uuid']}/reply", json={"message": f"r{i}"},
                                      headers=headers).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(12))) == [201] * 12
    r = client.get(f"/api/activities/@bayko/status/{parent['uuid']}")
    assert r.json["activity"]["replies_count"] == 12 and len(r.json["replies"]) == 12


def test_notifications_show_others_replies_and_mentions_newest_first(client, auth, clock):
    mine = post_crud(client, auth, "bayko", "my crud")
    clock.now += timedelta(seconds=1)
    their_reply = reply(client, auth, "londo", mine["uuid"], "nice one")
    clock.now += timedelta(seconds=1)
    reply(client, auth, "bayko", mine["uuid"], "thanks")  # own reply: not news
    clock.now += timedelta(seconds=1)
    mention = post_crud(client, auth, "andrewbrown", "ask @Bayko about ECS")
    post_crud(client, auth, "andrewbrown", "email bayko@example.com or @baykoz")  # not mentions
    r = client.get("/api/activities/notifications", headers=auth.headers("bayko"))
    assert r.status_code == 200
    assert [(a["uuid"], a["reason"]) for a in r.json["items"]] == [
        (mention["uuid"], "mention"), (their_reply["uuid"], "reply")]
    assert client.get("/api/activities/notifications", headers=auth.headers("londo")).json["items"] == []


def test_a_mention_is_news_to_whoever_had_the_handle_when_the_crud_was_posted(client, auth, clock):
    early = post_crud(client, auth, "andrewbrown", "looking forward to @londo joining")
    assert client.get("/api/activities/notifications", headers=auth.headers("londo")).json["items"] == []
    clock.now += timedelta(seconds=1)
    welcome = post_crud(client, auth, "andrewbrown", "welcome @londo")
    items = client.get("/api/activities/notifications", headers=auth.headers("londo")).json["items"]
    assert [a["uuid"] for a in items] == [welcome["uuid"]] and early["uuid"] != welcome["uuid"]


def test_notifications_count_a_reply_naming_me_once_as_a_reply_and_page_without_gaps(client, auth, clock):
    mine = post_crud(client, auth, "bayko", "my crud", "1-hour")
    made = []
    for i in range(5):
        made.append(reply(client, auth, "londo", mine["uuid"], f"reply {i} to @bayko")["uuid"])
        made.append(post_crud(client, auth, "andrewbrown", f"mention {i} of @BAYKO")["uuid"])
        if i % 2:
            clock.now += timedelta(seconds=1)  # some share a timestamp: the uuid breaks the tie
    seen, cursor = [], ""
    while True:
        r = client.get(f"/api/activities/notifications?limit=3&cursor={cursor}", headers=auth.headers("bayko"))
        assert r.status_code == 200 and len(r.json["items"]) <= 3
        seen += [(a["uuid"], a["reason"], a["message"].split()[0]) for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(u for u, _, _ in seen) == sorted(made) and len(seen) == 10
    assert {(reason, word) for _, reason, word in seen} == {("reply", "reply"), ("mention", "mention")}
    clock.now += timedelta(hours=1)  # the replies expire with the crud they answer; the mentions live on
    r = client.get("/api/activities/notifications", headers=auth.headers("bayko"))
    assert {a["reason"] for a in r.json["items"]} == {"mention"} and len(r.json["items"]) == 5


def test_notifications_need_auth(client):
    r = client.get("/api/activities/notifications")
    assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")


def news(client, auth, handle: str) -> list[str]:
    r = client.get("/api/activities/notifications", headers=auth.headers(handle))
    assert r.status_code == 200, r.json
    return [item["message"] for item in r.json["items"]]


def test_a_known_reader_gets_their_notifications_in_one_statement(client, auth, monkeypatch):
    reply(client, auth, "londo", post_crud(client, auth, "bayko", "my crud")["uuid"], "nice one")
    assert news(client, auth, "bayko") == ["nice one"]  # the first read looks the reader up
    asked = []
    for name in ("object", "array"):
        real = getattr(Database, name)
        monkeypatch.setattr(Database, name, lambda self, query, real=real, **params: asked.append(query)
                            or real(self, query, **params))
    assert news(client, auth, "bayko") == ["nice one"]
    assert asked == ["activities/notifications"]


def test_notifications_follow_a_sub_an_admin_links_to_another_person(client, auth, db):
    reply(client, auth, "londo", post_crud(client, auth, "bayko", "bayko's crud")["uuid"], "to bayko")
    reply(client, auth, "londo", post_crud(client, auth, "andrewbrown", "andrew's crud")["uuid"], "to andrew")
    assert news(client, auth, "bayko") == ["to bayko"]  # this process now knows whose row bayko's sub names
    sub = sub_of(auth, "bayko")
    with db.pool.connection() as conn:
        conn.execute("UPDATE users SET cognito_user_id = NULL WHERE handle IN ('bayko', 'andrewbrown')")
    db.commit("users/link_cognito", sub=sub, handle="andrewbrown")
    assert news(client, auth, "bayko") == ["to andrew"]
    with db.pool.connection() as conn:  # and back, to a row with no news at all
        conn.execute("UPDATE users SET cognito_user_id = NULL WHERE handle = 'andrewbrown'")
    db.commit("users/link_cognito", sub=sub, handle="londo")
    assert news(client, auth, "bayko") == []


def test_search_finds_live_cruds_by_words(client, auth, clock):
    hit = post_crud(client, auth, "bayko", "Deploying containers on Fargate", "1-hour")
    post_crud(client, auth, "londo", "Prunes are delicious")
    r = client.get("/api/activities/search?term=container")
    assert [a["uuid"] for a in r.json["items"]] == [hit["uuid"]]
    assert client.get("/api/activities/search?term=FARGATE").json["items"][0]["uuid"] == hit["uuid"]
    clock.now += timedelta(hours=2)
    assert client.get("/api/activities/search?term=fargate").json["items"] == []


@pytest.mark.parametrize("query, code", [
    ("", "term_blank"), ("term=", "term_blank"), ("term=%20%20", "term_blank"), ("term=" + "a" * 101, "term_too_long"),
])
def test_search_rejects_blank_or_long_terms(client, query, code):
    r = client.get(f"/api/activities/search?{query}")
    assert (r.status_code, r.json["error"]["code"]) == (400, code)
