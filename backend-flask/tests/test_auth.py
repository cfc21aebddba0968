"""@require_auth with real emulator tokens: one token in, one identical 401 for everything else."""
import base64
import json
import time
from types import SimpleNamespace

import pytest

from cruddur import create_app
from devstack.net import free_port
from test_tokens import BAD_AUTHORIZATION, KID
from token_factory import CLIENT_ID, POOL_ID, FakeClock, JwksServer, KeyPair, access_claims, rs256

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


@pytest.fixture(scope="module")
def shared_client(database_url, aws, cognito):
    """One app for the read-only batteries below (an app per case would dominate the suite's time)."""
    app = create_app({"CONNECTION_URL": database_url, "CRUDDUR_ENV": "test",
                      "AWS_COGNITO_USER_POOL_ID": cognito.user_pool_id,
                      "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito.client_id,
                      "AWS_COGNITO_JWKS_URL": cognito.jwks_url})
    yield app.test_client()
    app.extensions["cruddur.db"].close()


def assert_uniform_401(r, case):
    assert (r.status_code, r.json) == (401, UNAUTHORIZED), case
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"', case


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("method, path", [("GET", "/api/me"), ("POST", "/api/activities"),
                                          ("GET", "/api/activities/notifications")])
def test_every_bad_token_gets_the_same_401(shared_client, _header_cases, case, method, path):
    value = _header_cases[case]
    headers = {} if value is None else {"Authorization": value}
    r = shared_client.open(path, method=method, headers=headers, json={"message": "x", "ttl": "1-day"})
    assert_uniform_401(r, case)


@pytest.fixture(scope="module")
def battery_app(database_url):
    """The app trusting the verifier tests' key pair, so their whole battery can be sent over HTTP."""
    keys = SimpleNamespace(signing=KeyPair(KID), impostor=KeyPair(KID), rotated=KeyPair("test-key-2"))
    with JwksServer({"keys": [keys.signing.public_jwk()]}) as jwks:
        app = create_app({"CONNECTION_URL": database_url, "CRUDDUR_ENV": "test",
                          "AWS_COGNITO_USER_POOL_ID": POOL_ID, "AWS_COGNITO_USER_POOL_CLIENT_ID": CLIENT_ID,
                          "AWS_COGNITO_JWKS_URL": jwks.url})
        yield SimpleNamespace(client=app.test_client(), keys=keys)
        app.extensions["cruddur.db"].close()


def sendable(value) -> bool:
    # HTTP cannot carry some of the verifier's cases (newlines, non-Latin-1 text, non-strings)
    return isinstance(value, str) and "\n" not in value and "\r" not in value and value.isascii()


def test_whole_token_battery_gets_the_same_401_over_http_and_no_500(battery_app, db):
    clock = FakeClock(time.time())
    good_claims = access_claims(clock.now)
    with db.pool.connection() as conn:  # the battery's subject already has a users row: no GetUser needed
        conn.execute("INSERT INTO users (handle, display_name, email, cognito_user_id) "
                     "VALUES ('battery', 'Battery', 'b@example.com', %s)", (good_claims["sub"],))
    sent = 0
    for name, (_, build) in BAD_AUTHORIZATION.items():
        value = build(battery_app.keys, clock)
        if not sendable(value):
            continue
        assert_uniform_401(battery_app.client.get("/api/activities/notifications", headers={"Authorization": value}),
                           name)
        sent += 1
    assert sent >= 40, sent
    good = rs256(battery_app.keys.signing, {"kid": KID, "alg": "RS256"}, good_claims)
    r = battery_app.client.get("/api/activities/notifications", headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 200, "the battery's own good token must pass, or the 401s above prove nothing"


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


@pytest.fixture
def optional_client(app):
    from cruddur.auth import caller_sub, optional_auth

    @optional_auth
    def whoami():
        return {"sub": caller_sub()}

    app.add_url_rule("/api/whoami", view_func=whoami)
    return app.test_client()


def test_optional_auth_lets_anonymous_callers_in_as_nobody(optional_client):
    assert optional_client.get("/api/whoami").json == {"sub": None}


def test_optional_auth_knows_a_signed_in_caller(optional_client, auth):
    from helpers import sub_of
    assert optional_client.get("/api/whoami", headers=auth.headers("londo")).json == {"sub": sub_of(auth, "londo")}


def test_optional_auth_still_refuses_a_bad_token(optional_client, auth):
    r = optional_client.get("/api/whoami", headers={"Authorization": f"Bearer {auth.sign_in('londo')['IdToken']}"})
    assert_uniform_401(r, "id token")


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
