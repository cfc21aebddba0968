"""Unread conversations: the seen marker on each member's conversation row, the count in /api/me/unread."""
from __future__ import annotations

import uuid
from datetime import timedelta

from cruddur.messages_store import client_for
from devstack.net import free_port

from .test_messages_api import NOT_FOUND, REGION, send


def unread_messages(client, auth, handle):
    r = client.get("/api/me/unread", headers=auth.headers(handle))
    assert r.status_code == 200, r.json
    return r.json["messages"]


def listed_unread(client, auth, handle) -> dict[str, bool]:
    return {row["handle"]: row["unread"]
            for row in client.get("/api/message_groups", headers=auth.headers(handle)).json["items"]}


def seen(client, auth, handle, group):
    return client.post(f"/api/message_groups/{group}/seen", headers=auth.headers(handle))


def test_a_message_is_unread_for_the_recipient_until_they_open_the_conversation(client, auth, people, clock):
    group = send(client, auth, "bayko", handle="andrewbrown", message="hi").json["message_group_uuid"]
    clock.now += timedelta(seconds=1)
    send(client, auth, "londo", handle="andrewbrown", message="me too")
    assert unread_messages(client, auth, "andrewbrown") == 2
    assert unread_messages(client, auth, "bayko") == 0, "what you sent is not news to you"
    assert listed_unread(client, auth, "andrewbrown") == {"bayko": True, "londo": True}

    r = seen(client, auth, "andrewbrown", group)
    assert (r.status_code, r.json) == (200, {"notifications": 0, "messages": 1})
    assert unread_messages(client, auth, "andrewbrown") == 1
    assert listed_unread(client, auth, "andrewbrown") == {"bayko": False, "londo": True}

    clock.now += timedelta(seconds=1)
    send(client, auth, "bayko", message_group_uuid=group, message="still there?")
    assert listed_unread(client, auth, "andrewbrown") == {"bayko": True, "londo": True}


def test_answering_a_conversation_counts_as_having_seen_it(client, auth, people, clock):
    group = send(client, auth, "bayko", handle="andrewbrown", message="hi").json["message_group_uuid"]
    clock.now += timedelta(seconds=1)
    send(client, auth, "andrewbrown", message_group_uuid=group, message="hello")
    assert unread_messages(client, auth, "andrewbrown") == 0
    assert unread_messages(client, auth, "bayko") == 1


def test_only_a_member_can_mark_a_conversation_seen_and_nothing_is_written(client, auth, people, ddb, table):
    group = send(client, auth, "bayko", handle="andrewbrown", message="hi").json["message_group_uuid"]
    before = ddb.scan(TableName=table)["Items"]
    for outsider_group in (group, str(uuid.uuid4()), "not-a-uuid"):
        r = seen(client, auth, "londo", outsider_group)
        assert (r.status_code, r.json) == (404, NOT_FOUND)
    assert ddb.scan(TableName=table)["Items"] == before
    assert unread_messages(client, auth, "andrewbrown") == 1


def test_marking_seen_needs_a_valid_token(client):
    r = client.post(f"/api/message_groups/{uuid.uuid4()}/seen", headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")


def test_dynamodb_unreachable_leaves_the_notifications_count_and_answers_null_for_messages(app, client, auth, people):
    app.extensions["cruddur.messages"].client = client_for(REGION, f"http://127.0.0.1:{free_port()}",
                                                          total_attempts=1)
    r = client.get("/api/me/unread", headers=auth.headers("andrewbrown"))
    assert (r.status_code, r.json) == (200, {"notifications": 0, "messages": None})
    r = seen(client, auth, "andrewbrown", str(uuid.uuid4()))
    assert (r.status_code, r.json["error"]["code"]) == (503, "messages_unavailable")


def test_the_count_is_asked_of_dynamodb_only_when_the_persons_messages_changed(app, client, auth, people, db):
    send(client, auth, "bayko", handle="andrewbrown", message="hi")
    assert unread_messages(client, auth, "andrewbrown") == 1
    working = app.extensions["cruddur.messages"].client
    app.extensions["cruddur.messages"].client = client_for(REGION, f"http://127.0.0.1:{free_port()}",
                                                          total_attempts=1)
    assert unread_messages(client, auth, "andrewbrown") == 1, "polled again with nothing new: no DynamoDB call"

    with db.pool.connection() as conn:  # what sending or reading a conversation does (services/messages.py)
        conn.execute("UPDATE users SET messages_version = messages_version + 1 WHERE handle = 'andrewbrown'")
    assert unread_messages(client, auth, "andrewbrown") is None, "a change is asked of DynamoDB"
    app.extensions["cruddur.messages"].client = working
    assert unread_messages(client, auth, "andrewbrown") == 1
