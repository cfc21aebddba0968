"""The JSON edge: error model for every failure, strict JSON bodies, size limit, request ids."""
import io
import json

import pytest

from cruddur.config import MAX_BODY_BYTES
from cruddur.errors import EXCERPT_CHARS
from cruddur.inputs import MAX_JSON_DEPTH
from helpers import written_rows


def test_unknown_path_is_json_404(client):
    r = client.get("/api/no-such-thing")
    assert (r.status_code, r.json["error"]["code"]) == (404, "not_found")
    assert r.json["error"]["message"] == "There is nothing at this address."  # words for people, not Werkzeug's


def test_wrong_method_is_json_405_with_allow(client):
    r = client.delete("/api/activities/home")
    assert (r.status_code, r.json["error"]["code"]) == (405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]


def test_unexpected_exception_is_json_500_without_traceback(app, log_lines):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/boom", view_func=boom)
    r = app.test_client().get("/api/boom")
    assert (r.status_code, r.json) == (500, {"error": {"code": "internal_error",
                                                       "message": "Something went wrong on our side."}})
    assert "secret internals" not in r.get_data(as_text=True)
    assert any("RuntimeError: secret internals" in line.get("exception", "") for line in log_lines())


def test_body_over_64_kib_is_413(client, auth):
    body = json.dumps({"message": "x" * MAX_BODY_BYTES, "ttl": "1-day"})
    r = client.post("/api/activities", data=body, content_type="application/json", headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (413, "body_too_large")


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{", "application/json", 400, "malformed_json"),
    ("{'message': 'x'}", "application/json", 400, "malformed_json"),
    ("\xff\xfe", "application/json", 400, "malformed_json"),
    ("", "application/json", 400, "malformed_json"),
    ("[]", "application/json", 400, "body_not_object"),
    ('"text"', "application/json", 400, "body_not_object"),
    ("null", "application/json", 400, "body_not_object"),
    ('{"message": "x", "ttl": "1-day"}', "text/plain", 415, "json_required"),
    ("message=x&ttl=1-day", "application/x-www-form-urlencoded", 415, "json_required"),
])
def test_bodies_that_are_not_a_json_object_are_refused(client, auth, data, content_type, status, code):
    r = client.post("/api/activities", data=data, content_type=content_type, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (status, code)


def test_request_id_is_echoed_or_made(client):
    assert client.get("/api/health-check", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    made = client.get("/api/health-check", headers={"X-Request-Id": "bad id <script>"}).headers["X-Request-Id"]
    assert made != "bad id <script>" and len(made) == 36


def test_times_are_iso_utc_with_z(client, auth, clock):
    created = client.post("/api/activities", json={"message": "t", "ttl": "1-hour"}, headers=auth.headers("bayko")).json
    assert created["created_at"] == "2026-11-01T12:00:00.000Z"
    assert created["expires_at"] == "2026-11-01T13:00:00.000Z"


@pytest.mark.parametrize("raw", ['{"message": "a\\u0000b", "ttl": "1-day"}', '{"message": "\\ud800", "ttl": "1-day"}'])
def test_text_postgresql_cannot_store_is_a_400(client, auth, raw):
    r = client.post("/api/activities", data=raw, content_type="application/json", headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, "invalid_character")


def test_nul_in_search_term_is_a_400(client):
    r = client.get("/api/activities/search?term=a%00b")
    assert (r.status_code, r.json["error"]["code"]) == (400, "invalid_character")


def test_log_lines_carry_the_request_id(client, log_lines):
    client.get("/api/me", headers={"X-Request-Id": "trace-42"})
    [line] = [line for line in log_lines() if line["message"] == "request unauthorized"]
    assert (line["request_id"], line["path"], line["reason"]) == ("trace-42", "/api/me", "no Authorization header")


@pytest.mark.parametrize("data", [
    '{"message": ' + "[" * 1000 + "]" * 1000 + ', "ttl": "1-day"}',
    '{"message": ' + '{"a": ' * 33 + "1" + "}" * 33 + ', "ttl": "1-day"}',
    '{"message": NaN, "ttl": "1-day"}', '{"message": -Infinity, "ttl": "1-day"}',
    '{"message": ' + "9" * 5000 + ', "ttl": "1-day"}',
    '\ufeff{"message": "hi", "ttl": "1-day"}',
])
def test_json_nested_too_deep_or_beyond_rfc_8259_is_malformed(client, auth, db, data):
    r = client.post("/api/activities", data=data.encode("utf-8"), content_type="application/json",
                    headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, "malformed_json")
    assert written_rows(db)["activities"] == 0


def test_json_nested_as_deep_as_the_limit_is_read(client, auth):
    data = '{"message": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + ', "ttl": "1-day"}'
    r = client.post("/api/activities", data=data, content_type="application/json", headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, "wrong_type")


def test_an_error_repeats_only_a_short_excerpt_of_what_was_sent(client, auth):
    handle = "h" * 60_000
    for r in (client.get(f"/api/activities/@{handle}"), client.get(f"/api/users/@{handle}/short")):
        assert (r.status_code, r.json["error"]["message"]) == (404, f"Nobody is called @{'h' * EXCERPT_CHARS}….")
    r = client.post("/api/activities", json={"message": "hi", "ttl": "1-day", "k\x1b[2J" + "k" * 20_000: 1},
                    headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]) == (400, {"code": "unknown_field",
                                                      "message": f"Unknown field: k[2J{'k' * 35}…."})


def chunked(body: bytes):
    """A body as a chunked request hands it to the app: no Content-Length, a stream the server ends."""
    return {"input_stream": io.BytesIO(body),
            "environ_overrides": {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""}}


def test_chunked_body_over_64_kib_is_413_not_cut_short(client, auth, db):
    body = json.dumps({"message": "hi", "ttl": "1-day", "padding": "x" * MAX_BODY_BYTES}).encode()
    r = client.post("/api/activities", content_type="application/json", headers=auth.headers("bayko"),
                    **chunked(body))
    assert (r.status_code, r.json["error"]["code"]) == (413, "body_too_large")
    assert written_rows(db)["activities"] == 0


def test_chunked_body_of_exactly_64_kib_is_read_whole(client, auth):
    body = json.dumps({"message": "hi", "ttl": "1-day"}).encode()
    body = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    r = client.post("/api/activities", content_type="application/json", headers=auth.headers("bayko"),
                    **chunked(body))
    assert (r.status_code, r.json["message"]) == (201, "hi")


def test_doubled_slashes_are_a_json_404_not_a_redirect(client):
    r = client.get("/api//activities/home")
    assert (r.status_code, r.json["error"]["code"]) == (404, "not_found")


def test_every_answer_says_nosniff_and_signed_in_answers_are_never_stored(client, auth):
    signed_in = auth.headers("bayko")
    answers = {
        "anonymous feed": client.get("/api/activities/home"),
        "not found": client.get("/api/no-such-thing"),
        "signed-in feed": client.get("/api/activities/home", headers=signed_in),
        "own profile": client.get("/api/me", headers=signed_in),
        "signed-in error": client.post("/api/activities", json={}, headers=signed_in),
        "bad token": client.get("/api/me", headers={"Authorization": "Bearer x"}),
    }
    assert {name: r.headers.get("X-Content-Type-Options") for name, r in answers.items()} == \
        dict.fromkeys(answers, "nosniff")
    assert {name: r.headers.get("Cache-Control") for name, r in answers.items()} == {
        "anonymous feed": None, "not found": None, "signed-in feed": "no-store", "own profile": "no-store",
        "signed-in error": "no-store", "bad token": "no-store"}
