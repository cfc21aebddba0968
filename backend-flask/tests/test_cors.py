"""CORS answers only the exact origins of FRONTEND_URL and BACKEND_URL."""
import pytest

from conftest import BACKEND, FRONTEND


@pytest.mark.parametrize("origin", [FRONTEND, BACKEND])
def test_preflight_from_allowed_origin_is_allowed(client, origin):
    r = client.options("/api/activities", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert r.headers["Access-Control-Allow-Origin"] == origin
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"] or \
        "authorization" in r.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("origin", ["http://evil.example", "http://frontend.test:3001", "https://frontend.test:3000",
                                    "http://frontend.test:3000.evil.example", "null", "*"])
def test_preflight_from_any_other_origin_gets_no_allow_origin(client, origin):
    r = client.options("/api/activities", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_simple_request_from_other_origin_gets_no_allow_origin(client):
    r = client.get("/api/activities/home", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


def test_errors_carry_cors_headers_so_the_browser_can_read_them(client):
    r = client.get("/api/me", headers={"Origin": FRONTEND})
    assert (r.status_code, r.headers.get("Access-Control-Allow-Origin")) == (401, FRONTEND)
    exposed = {name.strip() for name in r.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert {"WWW-Authenticate", "Retry-After", "X-Request-Id"} <= exposed


def test_preflight_of_an_unknown_route_succeeds_so_the_browser_sees_the_json_404(client):
    preflight = client.options("/api/no-such-thing", headers={
        "Origin": FRONTEND, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
    assert (preflight.status_code, preflight.headers["Access-Control-Allow-Origin"]) == (200, FRONTEND)
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    r = client.get("/api/no-such-thing", headers={"Origin": FRONTEND})
    assert (r.status_code, r.json["error"]["code"], r.headers["Access-Control-Allow-Origin"]) == \
        (404, "not_found", FRONTEND)


def test_preflight_of_an_unknown_route_from_another_origin_allows_nothing(client):
    r = client.options("/api/no-such-thing", headers={"Origin": "http://evil.example",
                                                       "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_options_without_a_preflight_on_an_unknown_route_is_still_a_404(client):
    assert client.options("/api/no-such-thing").status_code == 404
