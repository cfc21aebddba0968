"""The message endpoints end to end: real access tokens, real PostgreSQL, DynamoDB in the emulator over HTTP."""
from __future__ import annotations

import base64
import itertools
import json
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

from cruddur import create_app
from cruddur.messages_store import client_for
from devstack.moto import FAKE_CREDENTIALS
from devstack.net import free_port

REGION = FAKE_CREDENTIALS["AWS_DEFAULT_REGION"]

NOT_FOUND = {"error": {"code": "message_group_not_found", "message": "No such conversation."}}


def cursor_of(value) -> str:
    """A cursor in the API's wrapping (base64url JSON) around any value."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def send(client, auth, sender, **body):
    return client.post("/api/messages", json=body, headers=auth.headers(sender))


def everything(ddb, table) -> list[dict]:
    return sorted((i for p in ddb.get_paginator("scan").paginate(TableName=table) for i in p["Items"]),
                  key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def walk(client, auth, reader, path, limit):
    """Every page of a listing, following next_cursor to the end."""
    pages, cursor = [], ""
    while True:
        r = client.get(f"{path}?limit={limit}&cursor={cursor}", headers=auth.headers(reader))
        assert r.status_code == 200, r.json
        pages.append(r.json["items"])
        cursor = r.json["next_cursor"]
        if cursor is None:
            return pages


@contextmanager
def app_with(settings, **changes):
    """A second app on the same database and users, with some settings changed."""
    application = create_app(settings.replace(**changes))
    try:
        yield application
    finally:
        application.extensions["cruddur.db"].close()


def add_users(db, count: int) -> list[str]:
    """Users who only exist in PostgreSQL (people one can write to, who never sign in here); their handles."""
    with db.pool.connection() as conn:
        for i in range(count):
            conn.execute("INSERT INTO users (handle, display_name, email) VALUES (%s, %s, %s)",
                         (f"pen_pal_{i}", f"Pen Pal {i}", f"pal{i}@cruddur.example"))
    return [f"pen_pal_{i}" for i in range(count)]


def test_sending_to_a_handle_starts_a_conversation_that_both_members_see(client, auth, people, clock):
    r = send(client, auth, "andrewbrown", handle="bayko", message="  Hello Bayko  ")

    assert r.status_code == 201
    group = r.json["message_group_uuid"]
    message = r.json["message"]
    assert str(uuid.UUID(group)) == group and str(uuid.UUID(message["uuid"])) == message["uuid"]
    assert message == {"uuid": message["uuid"], "handle": "andrewbrown", "display_name": "Andrew Brown",
                       "avatar_url": None, "message": "Hello Bayko", "created_at": "2026-11-01T12:00:00.000Z"}
    for reader, other, unread in (("andrewbrown", people["bayko"], False), ("bayko", people["andrewbrown"], True)):
        listing = client.get("/api/message_groups", headers=auth.headers(reader)).json
        assert listing == {"items": [{"uuid": group, "handle": other["handle"], "display_name": other["display_name"],
                                      "avatar_url": None, "message": "Hello Bayko",
                                      "created_at": "2026-11-01T12:00:00.000Z", "unread": unread}],
                           "next_cursor": None}
        thread = client.get(f"/api/messages/{group}", headers=auth.headers(reader)).json
        assert thread == {"items": [message], "next_cursor": None}


def test_the_pair_keeps_one_conversation_whoever_writes_and_however_they_address_it(client, auth, people, clock):
    group = send(client, auth, "andrewbrown", handle="bayko", message="one").json["message_group_uuid"]
    clock.now += timedelta(minutes=1)
    assert send(client, auth, "bayko", handle="@AndrewBrown", message="two").json["message_group_uuid"] == group
    clock.now += timedelta(minutes=1)
    assert send(client, auth, "bayko", message_group_uuid=group, message="three").json["message_group_uuid"] == group

    thread = client.get(f"/api/messages/{group}", headers=auth.headers("andrewbrown")).json["items"]
    assert [(m["handle"], m["message"]) for m in thread] == [("andrewbrown", "one"), ("bayko", "two"),
                                                             ("bayko", "three")]
    rows = client.get("/api/message_groups", headers=auth.headers("andrewbrown")).json["items"]
    assert [(r["uuid"], r["message"]) for r in rows] == [(group, "three")]


def test_a_third_user_cannot_list_read_or_post_and_nothing_is_written(client, auth, people, ddb, table):
    group = send(client, auth, "andrewbrown", handle="bayko", message="just us").json["message_group_uuid"]
    before = everything(ddb, table)
    unknown = str(uuid.uuid4())

    listing = client.get("/api/message_groups", headers=auth.headers("londo"))
    read = client.get(f"/api/messages/{group}", headers=auth.headers("londo"))
    read_unknown = client.get(f"/api/messages/{unknown}", headers=auth.headers("londo"))
    post = send(client, auth, "londo", message_group_uuid=group, message="let me in")
    post_unknown = send(client, auth, "londo", message_group_uuid=unknown, message="let me in")

    assert (listing.status_code, listing.json) == (200, {"items": [], "next_cursor": None})
    for r in (read, read_unknown, post, post_unknown):
        assert (r.status_code, r.json) == (404, NOT_FOUND)
    assert everything(ddb, table) == before


@pytest.mark.parametrize("body, status, code", [
    ({"message": "", "handle": "bayko"}, 400, "message_blank"),
    ({"message": " \n\t ", "handle": "bayko"}, 400, "message_blank"),
    ({"message": "\u200b\u200c\ufeff", "handle": "bayko"}, 400, "message_blank"),
    ({"message": "x" * 1025, "handle": "bayko"}, 400, "message_too_long"),
    ({"message": "\n" + "x" * 1024, "handle": "bayko"}, 400, "message_too_long"),
    ({"message": "hi"}, 400, "recipient_required"),
    ({"message": "hi", "handle": "bayko", "message_group_uuid": str(uuid.uuid4())}, 400, "recipient_required"),
    ({"message": "hi", "handle": "andrewbrown"}, 400, "message_to_self"),
    ({"message": "hi", "handle": "ANDREWBROWN"}, 400, "message_to_self"),
    ({"message": "hi", "handle": "nobody_here"}, 404, "user_not_found"),
    ({"message": "hi", "handle": "not a handle!"}, 404, "user_not_found"),
    ({"message": "hi", "message_group_uuid": "not-a-uuid"}, 404, "message_group_not_found"),
    ({"message": 5, "handle": "bayko"}, 400, "wrong_type"),
    ({"message": "hi", "handle": ["bayko"]}, 400, "wrong_type"),
    ({"handle": "bayko"}, 400, "missing_field"),
    ({"message": "hi", "handle": "bayko", "ttl": "1-day"}, 400, "unknown_field"),
])
def test_bad_messages_are_refused_with_a_code_and_nothing_is_written(client, auth, people, ddb, table,
                                                                    body, status, code):
    r = send(client, auth, "andrewbrown", **body)
    assert (r.status_code, r.json["error"]["code"]) == (status, code)
    assert everything(ddb, table) == []


def test_a_message_of_1024_characters_as_sent_is_accepted_trimmed(client, auth, people):
    r = send(client, auth, "andrewbrown", handle="bayko", message="\n  " + "x" * 1019 + "  ")
    assert (r.status_code, r.json["message"]["message"]) == (201, "x" * 1019)


@pytest.mark.parametrize("query, code", [
    ("limit=0", "limit_invalid"), ("limit=51", "limit_invalid"), ("limit=ten", "limit_invalid"),
    ("cursor=not-a-cursor", "cursor_invalid"),
    ("cursor=" + cursor_of([datetime(2026, 1, 1).isoformat(), str(uuid.uuid4())]), "cursor_invalid"),
    ("cursor=" + cursor_of(["0001-01-01T00:00:00+10:00", str(uuid.uuid4())]), "cursor_invalid"),
], ids=["limit-0", "limit-51", "limit-word", "cursor-garbage", "cursor-without-time-zone", "cursor-before-year-1"])
def test_bad_paging_parameters_are_refused(client, auth, people, query, code):
    group = send(client, auth, "andrewbrown", handle="bayko", message="hi").json["message_group_uuid"]
    for path in ("/api/message_groups", f"/api/messages/{group}"):
        r = client.get(f"{path}?{query}", headers=auth.headers("andrewbrown"))
        assert (r.status_code, r.json["error"]["code"]) == (400, code), path


def test_every_message_route_needs_a_valid_token(client):
    group = uuid.uuid4()
    for r in (client.get("/api/message_groups"), client.get(f"/api/messages/{group}"),
              client.post("/api/messages", json={"message": "hi", "handle": "bayko"},
                          headers={"Authorization": "Bearer not.a.token"})):
        assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")
        assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_messages_page_oldest_first_and_cursors_lead_back_more_than_a_year(client, auth, people, clock):
    start = clock.now - timedelta(days=730)
    clock.now = start
    group = send(client, auth, "andrewbrown", handle="bayko", message="m0").json["message_group_uuid"]
    for i in range(1, 25):
        clock.now = start + timedelta(days=30 * i)
        sender = ("andrewbrown", "bayko")[i % 2]
        assert send(client, auth, sender, message_group_uuid=group, message=f"m{i}").status_code == 201

    pages = walk(client, auth, "bayko", f"/api/messages/{group}", 10)

    assert [len(p) for p in pages] == [10, 10, 5]
    assert [m["message"] for m in pages[0]] == [f"m{i}" for i in range(15, 25)], "newest page, oldest first"
    assert [m["message"] for p in reversed(pages) for m in p] == [f"m{i}" for i in range(25)]
    assert pages[-1][0]["created_at"] == "2024-11-01T12:00:00.000Z"


def test_conversations_newest_first_with_cursors_back_past_a_year(client, auth, people, clock, db):
    pals = add_users(db, 12)
    start = clock.now - timedelta(days=1000)
    for i, pal in enumerate(pals):
        clock.now = start + timedelta(days=80 * i)
        assert send(client, auth, "andrewbrown", handle=pal, message=f"to {i}").status_code == 201
    clock.now = start + timedelta(days=1)
    send(client, auth, "bayko", handle="londo", message="not andrew's business")

    pages = walk(client, auth, "andrewbrown", "/api/message_groups", 5)

    rows = [r for p in pages for r in p]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [(r["handle"], r["message"]) for r in rows] == [(f"pen_pal_{i}", f"to {i}") for i in reversed(range(12))]
    assert rows[-1]["created_at"] == "2024-02-05T12:00:00.000Z"


def test_an_old_conversation_comes_first_again_when_someone_writes_in_it(client, auth, people, clock):
    clock.now -= timedelta(days=400)
    old = send(client, auth, "andrewbrown", handle="bayko", message="long ago").json["message_group_uuid"]
    clock.now += timedelta(days=399)
    send(client, auth, "londo", handle="andrewbrown", message="yesterday")
    clock.now += timedelta(days=1)
    send(client, auth, "bayko", message_group_uuid=old, message="back again")

    rows = client.get("/api/message_groups", headers=auth.headers("andrewbrown")).json["items"]
    assert [(r["handle"], r["message"]) for r in rows] == [("bayko", "back again"), ("londo", "yesterday")]


def test_members_appear_under_their_current_display_name(client, auth, people):
    send(client, auth, "andrewbrown", handle="bayko", message="hi")
    r = client.post("/api/profile/update", json={"display_name": "Bayko the Renamed"}, headers=auth.headers("bayko"))
    assert r.status_code == 200, r.json
    rows = client.get("/api/message_groups", headers=auth.headers("andrewbrown")).json["items"]
    assert [r["display_name"] for r in rows] == ["Bayko the Renamed"]


def test_members_appear_with_their_current_avatar(client, auth, people, db):
    group = send(client, auth, "andrewbrown", handle="bayko", message="hi").json["message_group_uuid"]
    url = "https://avatars.cruddur.example/bayko/picture.webp"
    db.commit("users/set_avatar", uuid=people["bayko"]["uuid"], avatar_url=url)
    send(client, auth, "bayko", message_group_uuid=group, message="new picture")
    rows = client.get("/api/message_groups", headers=auth.headers("andrewbrown")).json["items"]
    thread = client.get(f"/api/messages/{group}", headers=auth.headers("andrewbrown")).json["items"]
    assert [r["avatar_url"] for r in rows] == [url]
    assert [(m["handle"], m["avatar_url"]) for m in thread] == [("andrewbrown", None), ("bayko", url)]


def test_a_member_whose_user_row_is_gone_shows_as_a_former_user(client, auth, people, db):
    group = send(client, auth, "londo", handle="bayko", message="farewell").json["message_group_uuid"]
    with db.pool.connection() as conn:
        conn.execute("DELETE FROM users WHERE handle = 'londo'")
    expected = {"handle": None, "display_name": "Former user", "avatar_url": None, "message": "farewell"}
    rows = client.get("/api/message_groups", headers=auth.headers("bayko")).json["items"]
    thread = client.get(f"/api/messages/{group}", headers=auth.headers("bayko")).json["items"]
    for item in (rows[0], thread[0]):
        assert {k: item[k] for k in expected} == expected


def test_two_concurrent_posts_are_both_stored_and_the_conversation_shows_the_later(
        settings, people, auth, serialized_endpoint):
    ticks = itertools.count()
    with app_with(settings, aws_endpoint_url=serialized_endpoint) as app:
        # every request reads its own instant, so the two racing posts never share a timestamp
        app.extensions["cruddur.clock"] = lambda: datetime(2026, 11, 1, tzinfo=timezone.utc) + \
            timedelta(milliseconds=next(ticks))
        group = send(app.test_client(), auth, "andrewbrown", handle="bayko", message="start") \
            .json["message_group_uuid"]
        for round_ in range(5):
            start, results = threading.Barrier(2), {}

            def post(sender, start, results, text):
                client = app.test_client()
                start.wait()
                results[sender] = send(client, auth, sender, message_group_uuid=group, message=text)

            threads = [threading.Thread(target=post, args=(s, start, results, f"{s} {round_}"))
                       for s in ("andrewbrown", "bayko")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

            assert {s: r.status_code for s, r in results.items()} == {"andrewbrown": 201, "bayko": 201}
            reader = app.test_client()
            thread = reader.get(f"/api/messages/{group}?limit=2", headers=auth.headers("bayko")).json["items"]
            assert sorted(m["uuid"] for m in thread) == sorted(r.json["message"]["uuid"] for r in results.values())
            later = max(results.values(), key=lambda r: r.json["message"]["created_at"]).json["message"]
            for member in ("andrewbrown", "bayko"):
                row = reader.get("/api/message_groups", headers=auth.headers(member)).json["items"][0]
                assert (row["message"], row["created_at"]) == (later["message"], later["created_at"]), round_


def test_dynamodb_unreachable_makes_message_routes_503_and_the_rest_keeps_working(app, client, people, auth):
    # The app's store now reaches a closed port, without retries so the test does not wait out botocore's back-off.
    app.extensions["cruddur.messages"].client = client_for(REGION, f"http://127.0.0.1:{free_port()}",
                                                          total_attempts=1)
    for r in (client.get("/api/message_groups", headers=auth.headers("andrewbrown")),
              client.get(f"/api/messages/{uuid.uuid4()}", headers=auth.headers("andrewbrown")),
              send(client, auth, "andrewbrown", handle="bayko", message="anyone there?")):
        assert (r.status_code, r.json) == (503, {"error": {
            "code": "messages_unavailable", "message": "Messages cannot be reached right now; try again shortly."}})
    assert client.get("/api/health-check").status_code == 200
    assert client.get("/api/activities/home").status_code == 200
    assert client.get("/api/me", headers=auth.headers("bayko")).status_code == 200
    ready = client.get("/api/health-check/ready")
    assert ready.status_code == 503
    assert ready.json["checks"]["database"] == "ok"
    assert ready.json["checks"]["dynamodb"].startswith("MessagesUnavailable: describe_table: Could not connect")


def test_readiness_reports_dynamodb_ok_when_the_table_answers(client):
    r = client.get("/api/health-check/ready")
    assert (r.status_code, r.json["checks"]["dynamodb"]) == (200, "ok")


def test_the_openapi_document_describes_the_message_routes(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert set(paths["/api/messages"]) == {"post"}
    assert set(paths["/api/message_groups"]) == {"get"}
    assert paths["/api/messages/{message_group_uuid}"]["get"]["responses"]["404"]
