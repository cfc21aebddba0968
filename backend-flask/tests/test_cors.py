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
    assert "WWW-Authenticate" in r.headers.get("Access-Control-Expose-Headers", "")
