"""Two real users: nobody can act as, or edit, someone else."""
from helpers import post_crud, sub_of


def test_crud_author_is_the_token_owner_whatever_the_body_says(client, auth):
    r = client.post("/api/activities", json={"message": "hi", "ttl": "1-day", "handle": "londo"},
                    headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, "unknown_field")
    assert post_crud(client, auth, "bayko")["handle"] == "bayko"
    assert post_crud(client, auth, "londo")["handle"] == "londo"


def test_reply_author_is_the_token_owner(client, auth):
    parent = post_crud(client, auth, "bayko")
    r = client.post(f"/api/activities/{parent['uuid']}/reply", json={"message": "mine"},
                    headers=auth.headers("londo"))
    assert (r.status_code, r.json["handle"]) == (201, "londo")


def test_profile_update_only_changes_the_callers_own_profile(client, auth):
    client.get("/api/me", headers=auth.headers("londo"))
    r = client.post("/api/profile/update", json={"display_name": "Hacked", "bio": "pwned"},
                    headers=auth.headers("bayko"))
    assert (r.status_code, r.json["handle"], r.json["display_name"]) == (200, "bayko", "Hacked")
    londo = client.get("/api/activities/@londo").json["profile"]
    assert (londo["display_name"], londo["bio"]) == ("Londo Mollari", "")


def test_me_is_each_callers_own_profile(client, auth):
    bayko = client.get("/api/me", headers=auth.headers("bayko")).json
    londo = client.get("/api/me", headers=auth.headers("londo")).json
    assert (bayko["handle"], londo["handle"]) == ("bayko", "londo")
    assert bayko["uuid"] != londo["uuid"]


def test_notifications_are_private_to_their_owner(client, auth):
    mine = post_crud(client, auth, "bayko")
    client.post(f"/api/activities/{mine['uuid']}/reply", json={"message": "hey"}, headers=auth.headers("londo"))
    assert len(client.get("/api/activities/notifications", headers=auth.headers("bayko")).json["items"]) == 1
    assert client.get("/api/activities/notifications", headers=auth.headers("andrewbrown")).json["items"] == []


def test_users_are_keyed_by_their_distinct_cognito_subs(auth, client, db):
    client.get("/api/me", headers=auth.headers("bayko"))
    client.get("/api/me", headers=auth.headers("londo"))
    assert db.object("users/by_sub", sub=sub_of(auth, "bayko"))["handle"] == "bayko"
    assert db.object("users/by_sub", sub=sub_of(auth, "londo"))["handle"] == "londo"
