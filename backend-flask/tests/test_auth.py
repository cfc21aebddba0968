"""@require_auth with real emulator tokens: one token in, one identical 401 for everything else."""
import base64
import json

import pytest

from cruddur import create_app
from devstack.net import free_port

UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "A valid access token is required."}}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unb64(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def bad_headers(tokens: dict) -> dict:
    """Authorization headers built from a real access token, each wrong in one way."""
    access, id_token = tokens["AccessToken"], tokens["IdToken"]
    head, body, sig = access.split(".")
    claims, header = unb64(body), unb64(head)
    return {
        "missing": None,
        "empty": "",
        "scheme only": "Bearer",
        "scheme and space": "Bearer ",
        "basic scheme": f"Basic {access}",
        "no scheme": access,
        "two spaces": f"Bearer  {access}",
        "two tokens": f"Bearer {access} {access}",
        "trailing junk": f"Bearer {access},",
        "id token": f"Bearer {id_token}",
        "refresh token": f"Bearer {tokens['RefreshToken']}",
        "tampered sub": f"Bearer {head}.{b64({**claims, 'sub': 'someone-else'})}.{sig}",
        "tampered client": f"Bearer {head}.{b64({**claims, 'client_id': 'other'})}.{sig}",
        "alg none": f"Bearer {b64({**header, 'alg': 'none'})}.{body}.",
        "alg None": f"Bearer {b64({**header, 'alg': 'None'})}.{body}.{sig}",
        "alg HS256": f"Bearer {b64({**header, 'alg': 'HS256'})}.{body}.{sig}",
        "signature cut": f"Bearer {head}.{body}.{sig[:-4]}",
        "no signature": f"Bearer {head}.{body}.",
        "unknown kid": f"Bearer {b64({**header, 'kid': 'nope'})}.{body}.{sig}",
        "jku header": f"Bearer {b64({**header, 'jku': 'http://evil.example/jwks'})}.{body}.{sig}",
        "oversized": "Bearer " + "a" * 9000 + "." + body + "." + sig,
        "four segments": f"Bearer {access}.{sig}",
        "garbage": "Bearer not.a.jwt",
    }


@pytest.fixture(scope="module")
def _header_cases(aws, cognito):
    from devstack import cognito as local_cognito
    user = local_cognito.DEMO_USERS[1]
    return bad_headers(local_cognito.sign_in(aws.url, cognito.client_id, user.email, local_cognito.DEMO_PASSWORD))


CASES = ["missing", "empty", "scheme only", "scheme and space", "basic scheme", "no scheme", "two spaces",
         "two tokens", "trailing junk", "id token", "refresh token", "tampered sub", "tampered client", "alg none",
         "alg None", "alg HS256", "signature cut", "no signature", "unknown kid", "jku header", "oversized",
         "four segments", "garbage"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("method, path", [("GET", "/api/me"), ("POST", "/api/activities"),
                                          ("GET", "/api/activities/notifications")])
def test_every_bad_token_gets_the_same_401(client, _header_cases, case, method, path):
    value = _header_cases[case]
    headers = {} if value is None else {"Authorization": value}
    r = client.open(path, method=method, headers=headers, json={"message": "x", "ttl": "1-day"})
    assert (r.status_code, r.json) == (401, UNAUTHORIZED), case
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_emulator_access_token_is_accepted(client, auth):
    assert client.get("/api/me", headers=auth.headers("bayko")).status_code == 200


def test_lowercase_bearer_scheme_is_accepted(client, auth):
    token = auth.sign_in("bayko")["AccessToken"]
    assert client.get("/api/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_reason_is_logged_and_token_is_not(client, auth, log_lines):
    tokens = auth.sign_in("bayko")
    client.get("/api/me", headers={"Authorization": f"Bearer {tokens['IdToken']}"})
    lines = [line for line in log_lines() if line["message"] == "request unauthorized"]
    assert [line["reason"] for line in lines] == ["not an access token"]
    text = json.dumps(log_lines())
    for part in tokens["IdToken"].split("."):
        assert part not in text


def test_optional_auth_routes_answer_anonymous_callers(client):
    assert client.get("/api/activities/home").status_code == 200


def test_keys_unreachable_make_readiness_503_and_auth_503(settings, db, auth):
    dead = settings.replace(jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json")
    app = create_app(dead)
    try:
        r = app.test_client().get("/api/health-check/ready")
        assert r.status_code == 503 and r.json["ready"] is False
        assert r.json["checks"]["database"] == "ok"
        assert r.json["checks"]["cognito_keys"].startswith("KeysUnavailable")
        r = app.test_client().get("/api/me", headers=auth.headers("bayko"))
        assert (r.status_code, r.json["error"]["code"]) == (503, "auth_unavailable")
    finally:
        app.extensions["cruddur.db"].close()


def test_readiness_recovers_once_keys_can_be_fetched(settings, db):
    app = create_app(settings.replace(jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json"))
    try:
        assert app.test_client().get("/api/health-check/ready").status_code == 503
        verifier = app.extensions["cruddur.verifier"]
        verifier.jwks_url = settings.jwks_url  # Cognito reachable again
        assert app.test_client().get("/api/health-check/ready").status_code == 200
    finally:
        app.extensions["cruddur.db"].close()
