import threading

import pytest

from devstack import cognito as local_cognito
from helpers import post_crud, reply, sub_of


def test_first_call_creates_user_from_cognito_attributes(client, auth, db):
    assert db.object("users/short", handle="londo") is None
    r = client.get("/api/me", headers=auth.headers("londo"))
    assert r.status_code == 200
    assert {k: r.json[k] for k in ("handle", "display_name", "bio", "cruds_count")} == \
        {"handle": "londo", "display_name": "Londo Mollari", "bio": "", "cruds_count": 0}
    row = db.object("users/by_sub", sub=sub_of(auth, "londo"))
    assert (row["email"], str(row["uuid"])) == ("londo@cruddur.example", r.json["uuid"])


def test_new_sign_up_calling_first_time_gets_a_row(client, aws, cognito, db):
    idp = local_cognito.client(aws.url)
    idp.sign_up(ClientId=cognito.client_id, Username="gkar@cruddur.example", Password=local_cognito.DEMO_PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "gkar@cruddur.example"},
                                {"Name": "name", "Value": "G'Kar"}, {"Name": "preferred_username", "Value": "gkar"}])
    idp.confirm_sign_up(ClientId=cognito.client_id, Username="gkar@cruddur.example", ConfirmationCode="123456")
    token = local_cognito.sign_in(aws.url, cognito.client_id, "gkar@cruddur.example",
                                  local_cognito.DEMO_PASSWORD)["AccessToken"]
    r = client.post("/api/activities", json={"message": "Narn greetings", "ttl": "1-hour"},
                    headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json["handle"], r.json["display_name"]) == (201, "gkar", "G'Kar")


def test_first_calls_racing_create_exactly_one_row(app, auth, db):
    headers = auth.headers("andrewbrown")
    results = []
    barrier = threading.Barrier(4)

    def call():
        barrier.wait()
        results.append(app.test_client().get("/api/me", headers=headers).status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    assert db.value("users/short", handle="andrewbrown") is not None
    with db.pool.connection() as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_cognito_handle_taken_by_another_user_is_a_conflict(client, auth, db):
    with db.pool.connection() as conn:
        conn.execute("INSERT INTO users (handle, display_name, email, cognito_user_id) "
                     "VALUES ('BAYKO', 'Impostor', 'x@example.com', 'someone-else')")
    r = client.get("/api/me", headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (409, "handle_taken")


def test_profile_shows_user_and_their_live_cruds(client, auth, clock):
    one = post_crud(client, auth, "bayko", "one")
    theirs = post_crud(client, auth, "londo", "not mine")
    reply(client, auth, "bayko", theirs["uuid"], "a reply is not one of the profile's cruds")
    client.post("/api/profile/update", json={"bio": "Cloud engineer."}, headers=auth.headers("bayko"))
    r = client.get("/api/activities/@BAYKO")
    assert r.status_code == 200
    assert {k: r.json["profile"][k] for k in ("handle", "display_name", "bio", "cruds_count")} == \
        {"handle": "bayko", "display_name": "Andrew Bayko", "bio": "Cloud engineer.", "cruds_count": 1}
    assert [a["uuid"] for a in r.json["items"]] == [one["uuid"]]
    assert r.json["next_cursor"] is None


@pytest.mark.parametrize("path", ["/api/activities/@nobody", "/api/users/@nobody/short",
                                  "/api/activities/@bad-handle!", "/api/users/@" + "a" * 33 + "/short"])
def test_unknown_handle_is_404(client, path):
    r = client.get(path)
    assert (r.status_code, r.json["error"]["code"]) == (404, "user_not_found")


def test_short_is_uuid_handle_name_and_avatar_only(client, auth):
    me = client.get("/api/me", headers=auth.headers("bayko")).json
    r = client.get("/api/users/@Bayko/short")
    assert (r.status_code, r.json) == (200, {"uuid": me["uuid"], "handle": "bayko", "display_name": "Andrew Bayko",
                                             "avatar_url": None})


def test_update_profile_changes_only_given_fields_trimmed(client, auth):
    r = client.post("/api/profile/update", json={"display_name": "  Bayko  "}, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["display_name"], r.json["bio"]) == (200, "Bayko", "")
    r = client.post("/api/profile/update", json={"bio": "  Fargate fan "}, headers=auth.headers("bayko"))
    assert (r.json["display_name"], r.json["bio"]) == ("Bayko", "Fargate fan")
    r = client.post("/api/profile/update", json={"bio": "\u200b \ufeff"}, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["bio"]) == (200, ""), "a bio with nothing visible is an empty bio"


@pytest.mark.parametrize("body, code", [
    ({"display_name": ""}, "display_name_blank"), ({"display_name": "  "}, "display_name_blank"),
    ({"display_name": "\u3164\u200b"}, "display_name_blank"), ({"display_name": "A\x00"}, "invalid_character"),
    ({"display_name": "n" * 65}, "display_name_too_long"), ({"bio": "b" * 401}, "bio_too_long"),
    ({"bio": "b" * 400 + " "}, "bio_too_long"), ({"bio": "ring\x07"}, "invalid_character"),
    ({"display_name": 5}, "wrong_type"), ({"bio": None}, "wrong_type"), ({"bio": {"a": 1}}, "wrong_type"),
    ({"handle": "root"}, "unknown_field"), ({"cognito_user_id": "x"}, "unknown_field"),
])
def test_update_profile_rejects_bad_input(client, auth, body, code):
    r = client.post("/api/profile/update", json=body, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, code)
