"""The Cognito access-token verifier (cruddur/tokens.py).

Bad tokens are signed with a test key pair whose public half is served by a real HTTP key-set endpoint
on 127.0.0.1; real tokens come from the local Cognito emulator (moto server over HTTP). Time is a fake
clock, so expiry and refetch throttling are tested without sleeping.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import traceback
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import hashes

from cruddur import tokens
from cruddur.tokens import (
    FETCH_TIMEOUT_SECONDS,
    MAX_AUTHORIZATION_LENGTH,
    REFETCH_INTERVAL_SECONDS,
    CognitoAccessTokenVerifier,
    KeysUnavailable,
    TokenRejected,
    fetch_json,
)
from devstack import cognito
from devstack.moto import MotoServer
from token_factory import (
    CLIENT_ID,
    ISSUER,
    POOL_ID,
    REGION,
    FakeClock,
    JwksServer,
    KeyPair,
    access_claims,
    b64url,
    hs256,
    rs256,
    segment,
    unsigned,
)

KID = "test-key-1"


@pytest.fixture(scope="module")
def keys():
    return SimpleNamespace(
        signing=KeyPair(KID),
        impostor=KeyPair(KID),  # same kid, different private key
        rotated=KeyPair("test-key-2"),
    )


@pytest.fixture(scope="module")
def jwks_server(keys):
    with JwksServer({"keys": [keys.signing.public_jwk()]}) as server:
        yield server


@pytest.fixture
def jwks(jwks_server, keys):
    """The key-set endpoint, back to serving the signing key with no requests counted."""
    jwks_server.reset({"keys": [keys.signing.public_jwk()]})
    return jwks_server


@pytest.fixture
def clock():
    return FakeClock()


def make_verifier(jwks_url: str, clock: FakeClock, **overrides) -> CognitoAccessTokenVerifier:
    options = dict(region=REGION, user_pool_id=POOL_ID, client_ids=[CLIENT_ID], jwks_url=jwks_url,
                   leeway_seconds=5, clock=clock)
    options.update(overrides)
    return CognitoAccessTokenVerifier(**options)


@pytest.fixture
def verifier(jwks, clock):
    verifier = make_verifier(jwks.url, clock)
    verifier.load_keys()
    return verifier


def bearer(token: str) -> str:
    return f"Bearer {token}"


def good_token(keys, clock, **claims) -> str:
    return rs256(keys.signing, {"kid": KID, "alg": "RS256"}, access_claims(clock.now, **claims))


def with_header(keys, clock, **header) -> str:
    return rs256(keys.signing, {"kid": KID, "alg": "RS256", **header}, access_claims(clock.now))


def tampered_payload(keys, clock) -> str:
    header_b64, _, signature = good_token(keys, clock).split(".")
    forged = segment(access_claims(clock.now, sub="someone-else"))
    return f"{header_b64}.{forged}.{signature}"


def tampered_header(keys, clock) -> str:
    _, payload_b64, signature = good_token(keys, clock).split(".")
    return f"{segment({'kid': KID, 'alg': 'RS256', 'typ': 'JWT'})}.{payload_b64}.{signature}"


def non_canonical_signature(keys, clock) -> str:
    """Same signature bytes, spelled differently: the unused low bits of the last character set."""
    token = good_token(keys, clock)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # a 256-byte signature is 342 characters: the last one carries 2 bits of it and 4 unused bits
    last = alphabet.index(token[-1])
    return token[:-1] + alphabet[last | 1 if last % 2 == 0 else last & ~1]


def signed_with(keys, clock, algorithm: str, *, digest, pss=False) -> str:
    header = segment({"kid": KID, "alg": algorithm})
    payload = segment(access_claims(clock.now))
    signature = keys.signing.sign(f"{header}.{payload}".encode(), digest, pss=pss)
    return f"{header}.{payload}.{b64url(signature)}"


RS = {"kid": KID, "alg": "RS256"}

NOT_BEARER = "not 'Bearer <one JWT>'"
BAD_ALG = "algorithm is not RS256"
BAD_SIGNATURE = "signature does not verify"


def claims_json_with(c, old: str, new: str) -> str:
    text = json.dumps(access_claims(c.now))
    assert old in text
    return text.replace(old, new)


def impossible_length_header(k, c) -> str:
    header, rest = good_token(k, c).split(".", 1)
    return header + "A" * ((1 - len(header)) % 4) + "." + rest


def one_byte_short_signature(k, c) -> str:
    signing_input = good_token(k, c).rsplit(".", 1)[0]
    return f"{signing_input}.{b64url(k.signing.sign(signing_input.encode())[:-1])}"


# name -> (what the rejection names, how to build the Authorization header value from keys and clock).
# Every one must be refused with TokenRejected for that reason, never another exception.
BAD_AUTHORIZATION = {
    # algorithm confusion
    "alg none, no signature": (NOT_BEARER, lambda k, c: bearer(
        unsigned({"kid": KID, "alg": "none"}, access_claims(c.now)))),
    "alg none, with signature": (BAD_ALG, lambda k, c: bearer(
        unsigned({"kid": KID, "alg": "none"}, access_claims(c.now), "c2lnbmF0dXJl"))),
    "alg None": (BAD_ALG, lambda k, c: bearer(unsigned({"kid": KID, "alg": "None"}, access_claims(c.now), "AA"))),
    "alg NONE": (BAD_ALG, lambda k, c: bearer(unsigned({"kid": KID, "alg": "NONE"}, access_claims(c.now), "AA"))),
    "alg nOnE": (BAD_ALG, lambda k, c: bearer(unsigned({"kid": KID, "alg": "nOnE"}, access_claims(c.now), "AA"))),
    "alg missing": (BAD_ALG, lambda k, c: bearer(rs256(k.signing, {"kid": KID}, access_claims(c.now)))),
    "alg null": (BAD_ALG, lambda k, c: bearer(rs256(k.signing, {**RS, "alg": None}, access_claims(c.now)))),
    "alg as a list": (BAD_ALG, lambda k, c: bearer(rs256(k.signing, {**RS, "alg": ["RS256"]}, access_claims(c.now)))),
    "alg rs256 in lower case": (BAD_ALG, lambda k, c: bearer(
        rs256(k.signing, {**RS, "alg": "rs256"}, access_claims(c.now)))),
    "HS256 keyed with the public key PEM": (BAD_ALG, lambda k, c: bearer(
        hs256(k.signing.public_pem(), {**RS, "alg": "HS256"}, access_claims(c.now)))),
    "HS256 keyed with the public JWK": (BAD_ALG, lambda k, c: bearer(
        hs256(json.dumps(k.signing.public_jwk()).encode(), {**RS, "alg": "HS256"}, access_claims(c.now)))),
    "RS256 header over an HMAC signature": (BAD_SIGNATURE, lambda k, c: bearer(
        hs256(k.signing.public_pem(), RS, access_claims(c.now)))),
    "RS384 signed with the right key": (BAD_ALG, lambda k, c: bearer(
        signed_with(k, c, "RS384", digest=hashes.SHA384()))),
    "PS256 signed with the right key": (BAD_ALG, lambda k, c: bearer(
        signed_with(k, c, "PS256", digest=hashes.SHA256(), pss=True))),
    "ES256 header": (BAD_ALG, lambda k, c: bearer(unsigned({"kid": KID, "alg": "ES256"}, access_claims(c.now), "AA"))),
    # signature
    "tampered payload": (BAD_SIGNATURE, lambda k, c: bearer(tampered_payload(k, c))),
    "tampered header": (BAD_SIGNATURE, lambda k, c: bearer(tampered_header(k, c))),
    "signed by another key under our kid": (BAD_SIGNATURE, lambda k, c: bearer(
        rs256(k.impostor, RS, access_claims(c.now)))),
    "signature one byte short": (BAD_SIGNATURE, lambda k, c: bearer(one_byte_short_signature(k, c))),
    "signature of three zero bytes": (BAD_SIGNATURE, lambda k, c: bearer(
        good_token(k, c).rsplit(".", 1)[0] + ".AAAA")),
    "signature of impossible length": ("signature is not base64url", lambda k, c: bearer(good_token(k, c)[:-1])),
    "non-canonical base64 in signature": ("signature is not canonical", lambda k, c: bearer(
        non_canonical_signature(k, c))),
    # issuer
    "issuer in another region": ("issuer", lambda k, c: bearer(good_token(
        k, c, iss=f"https://cognito-idp.us-west-2.amazonaws.com/{POOL_ID}"))),
    "issuer of another pool": ("issuer", lambda k, c: bearer(good_token(
        k, c, iss=f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_OtherPool"))),
    "issuer with a trailing slash": ("issuer", lambda k, c: bearer(good_token(k, c, iss=ISSUER + "/"))),
    "issuer over http": ("issuer", lambda k, c: bearer(good_token(k, c, iss=ISSUER.replace("https:", "http:")))),
    "issuer of the emulator address": ("issuer", lambda k, c: bearer(
        good_token(k, c, iss=f"http://127.0.0.1:5005/{POOL_ID}"))),
    "issuer missing": ("issuer", lambda k, c: bearer(good_token(k, c, iss=None))),
    # token use and client
    "ID token": ("not an access token", lambda k, c: bearer(
        good_token(k, c, token_use="id", client_id=None, aud=CLIENT_ID, email="a@example.com"))),
    "token_use missing": ("not an access token", lambda k, c: bearer(good_token(k, c, token_use=None))),
    "token_use Access": ("not an access token", lambda k, c: bearer(good_token(k, c, token_use="Access"))),
    "client_id of another app client": ("client_id", lambda k, c: bearer(good_token(k, c, client_id="otherapp"))),
    "client_id missing": ("client_id", lambda k, c: bearer(good_token(k, c, client_id=None))),
    "client_id as a list": ("client_id", lambda k, c: bearer(good_token(k, c, client_id=[CLIENT_ID]))),
    "client_id empty": ("client_id", lambda k, c: bearer(good_token(k, c, client_id=""))),
    "sub missing": ("no subject", lambda k, c: bearer(good_token(k, c, sub=None))),
    "sub empty": ("no subject", lambda k, c: bearer(good_token(k, c, sub=""))),
    "sub not a string": ("no subject", lambda k, c: bearer(good_token(k, c, sub=42))),
    # time
    "expired beyond the leeway": ("expired", lambda k, c: bearer(
        good_token(k, c, iat=int(c.now) - 3700, exp=int(c.now) - 6))),
    "exp missing": ("exp is missing", lambda k, c: bearer(good_token(k, c, exp=None))),
    "exp as a string": ("exp is missing", lambda k, c: bearer(good_token(k, c, exp=str(int(c.now) + 3600)))),
    "exp as true": ("exp is missing", lambda k, c: bearer(good_token(k, c, exp=True))),
    "exp as NaN": ("payload is not a JSON object", lambda k, c: bearer(
        rs256(k.signing, RS, claims_json_with(c, f'"exp": {int(c.now) + 3600}', '"exp": NaN')))),
    "not valid yet (nbf)": ("not valid yet", lambda k, c: bearer(good_token(k, c, nbf=int(c.now) + 60))),
    "nbf null": ("nbf is missing", lambda k, c: bearer(rs256(k.signing, RS, {**access_claims(c.now), "nbf": None}))),
    "issued in the future (iat)": ("issued in the future", lambda k, c: bearer(good_token(k, c, iat=int(c.now) + 60))),
    "iat missing": ("iat is missing", lambda k, c: bearer(good_token(k, c, iat=None))),
    # key id and injected headers
    "unknown kid": ("unknown key id", lambda k, c: bearer(
        rs256(k.rotated, {**RS, "kid": "test-key-2"}, access_claims(c.now)))),
    "kid missing": ("no key id", lambda k, c: bearer(rs256(k.signing, {"alg": "RS256"}, access_claims(c.now)))),
    "kid not a string": ("no key id", lambda k, c: bearer(rs256(k.signing, {**RS, "kid": 1}, access_claims(c.now)))),
    "jku header": ("forbidden header", lambda k, c: bearer(with_header(k, c, jku="http://127.0.0.1:1/jwks.json"))),
    "x5u header": ("forbidden header", lambda k, c: bearer(with_header(k, c, x5u="http://127.0.0.1:1/cert.pem"))),
    "x5c header": ("forbidden header", lambda k, c: bearer(with_header(k, c, x5c=["MIIB"]))),
    "jwk header": ("forbidden header", lambda k, c: bearer(with_header(k, c, jwk=k.signing.public_jwk()))),
    "crit header": ("forbidden header", lambda k, c: bearer(with_header(k, c, crit=["exp"], exp=1))),
    # structure and encoding
    "two segments": (NOT_BEARER, lambda k, c: bearer(".".join(good_token(k, c).split(".")[:2]))),
    "four segments": (NOT_BEARER, lambda k, c: bearer(good_token(k, c) + ".AAAA")),
    "empty header segment": (NOT_BEARER, lambda k, c: bearer("." + good_token(k, c).split(".", 1)[1])),
    "character outside base64url": (NOT_BEARER, lambda k, c: bearer("!" + good_token(k, c))),
    "standard base64 '+'": (NOT_BEARER, lambda k, c: bearer("+" + good_token(k, c)[1:])),
    "base64 padding": (NOT_BEARER, lambda k, c: bearer(good_token(k, c).replace(".", "=.", 1))),
    "header of impossible length": ("header is not base64url", lambda k, c: bearer(impossible_length_header(k, c))),
    "header not JSON": ("header is not a JSON object", lambda k, c: bearer(
        f"{segment('not json')}.{good_token(k, c).split('.', 1)[1]}")),
    "header a JSON array": ("header is not a JSON object", lambda k, c: bearer(
        rs256(k.signing, ["RS256", KID], access_claims(c.now)))),
    "header with a duplicate alg": ("header is not a JSON object", lambda k, c: bearer(
        rs256(k.signing, '{"alg": "RS256", "kid": "test-key-1", "alg": "none"}', access_claims(c.now)))),
    "payload not JSON": ("payload is not a JSON object", lambda k, c: bearer(rs256(k.signing, RS, "{'sub': 1}"))),
    "payload a JSON string": ("payload is not a JSON object", lambda k, c: bearer(rs256(k.signing, RS, '"claims"'))),
    "payload not UTF-8": ("payload is not a JSON object", lambda k, c: bearer(rs256(k.signing, RS, b"\xff\xfe{}"))),
    "payload with a duplicate iss": ("payload is not a JSON object", lambda k, c: bearer(
        rs256(k.signing, RS, claims_json_with(c, '"sub": ', '"iss": "https://evil.example", "sub": ')))),
    "oversized": ("too large", lambda k, c: bearer(good_token(k, c, padding="x" * MAX_AUTHORIZATION_LENGTH))),
    # the Authorization header itself
    "None": ("no Authorization", lambda k, c: None),
    "empty": ("no Authorization", lambda k, c: ""),
    "bytes instead of text": ("no Authorization", lambda k, c: bearer(good_token(k, c)).encode()),
    "scheme only": (NOT_BEARER, lambda k, c: "Bearer"),
    "scheme and a space": (NOT_BEARER, lambda k, c: "Bearer "),
    "no scheme": (NOT_BEARER, lambda k, c: good_token(k, c)),
    "Basic scheme": (NOT_BEARER, lambda k, c: "Basic " + good_token(k, c)),
    "Token scheme": (NOT_BEARER, lambda k, c: "Token " + good_token(k, c)),
    "two spaces": (NOT_BEARER, lambda k, c: "Bearer  " + good_token(k, c)),
    "leading space": (NOT_BEARER, lambda k, c: " Bearer " + good_token(k, c)),
    "trailing space": (NOT_BEARER, lambda k, c: bearer(good_token(k, c)) + " "),
    "trailing newline": (NOT_BEARER, lambda k, c: bearer(good_token(k, c)) + "\n"),
    "tab separator": (NOT_BEARER, lambda k, c: "Bearer\t" + good_token(k, c)),
    "two tokens, space": (NOT_BEARER, lambda k, c: bearer(good_token(k, c)) + " " + good_token(k, c)),
    "two tokens, comma": (NOT_BEARER, lambda k, c: bearer(good_token(k, c)) + ", " + bearer(good_token(k, c))),
    "quoted token": (NOT_BEARER, lambda k, c: f'Bearer "{good_token(k, c)}"'),
}


def test_battery_has_at_least_forty_bad_tokens():
    assert len(BAD_AUTHORIZATION) >= 40, len(BAD_AUTHORIZATION)


@pytest.mark.parametrize("name", list(BAD_AUTHORIZATION))
def test_bad_authorization_is_rejected_for_its_reason_without_leaking_it(name, keys, clock, verifier, jwks):
    expected_reason, build = BAD_AUTHORIZATION[name]
    authorization = build(keys, clock)
    with pytest.raises(TokenRejected) as caught:
        verifier.verify_header(authorization)
    rejection = caught.value
    assert expected_reason in rejection.reason, f"{name}: rejected for {rejection.reason!r}"
    assert str(rejection) == rejection.reason
    report = "".join(traceback.format_exception(rejection))
    if isinstance(authorization, str):
        for part in authorization.removeprefix("Bearer ").split("."):
            if len(part) >= 8:
                assert part not in report, f"{name}: token text leaked into the exception"


def test_valid_access_token_returns_its_claims(keys, clock, verifier):
    claims = verifier.verify_header(bearer(good_token(keys, clock)))
    assert claims == access_claims(clock.now)


def test_scheme_is_case_insensitive(keys, clock, verifier):
    # RFC 7235: the auth-scheme is a case-insensitive token
    assert verifier.verify_header("bearer " + good_token(keys, clock))["sub"] == access_claims(clock.now)["sub"]


@pytest.mark.parametrize("claims", [
    {"exp": 1_800_000_000 - 5},  # expired exactly the leeway ago
    {"iat": 1_800_000_000 + 5},
    {"nbf": 1_800_000_000 + 5},
    {"nbf": 1_800_000_000 - 100},
])
def test_leeway_absorbs_small_clock_skew(keys, clock, verifier, claims):
    assert verifier.verify_header(bearer(good_token(keys, clock, **claims)))["token_use"] == "access"


def test_token_expires_once_past_the_leeway(keys, clock, verifier):
    token = bearer(good_token(keys, clock))
    clock.advance(3600 + 5)
    assert verifier.verify_header(token)["sub"]
    clock.advance(1)
    with pytest.raises(TokenRejected, match="expired"):
        verifier.verify_header(token)


def test_any_of_the_allowed_clients_is_accepted(keys, clock, jwks):
    verifier = make_verifier(jwks.url, clock, client_ids=["webclient", CLIENT_ID])
    verifier.load_keys()
    assert verifier.verify_header(bearer(good_token(keys, clock)))["client_id"] == CLIENT_ID
    with pytest.raises(TokenRejected, match="client_id"):
        verifier.verify_header(bearer(good_token(keys, clock, client_id="otherclient")))


@pytest.mark.parametrize("options, message", [
    ({"region": "Mars"}, "region"),
    ({"user_pool_id": "us-west-2_TestPool1"}, "user pool id"),
    ({"user_pool_id": ""}, "user pool id"),
    ({"client_ids": []}, "client id"),
    ({"client_ids": [""]}, "client id"),
    ({"leeway_seconds": -1}, "leeway"),
])
def test_misconfiguration_is_refused_at_construction(clock, options, message):
    with pytest.raises(ValueError, match=message):
        make_verifier("http://127.0.0.1:1/jwks.json", clock, **options)


def test_default_key_set_url_and_issuer_are_the_pools():
    verifier = CognitoAccessTokenVerifier(region=REGION, user_pool_id=POOL_ID, client_ids=CLIENT_ID)
    assert verifier.issuer == ISSUER
    assert verifier.jwks_url == f"{ISSUER}/.well-known/jwks.json"
    assert verifier.client_ids == {CLIENT_ID}
    assert not verifier.keys_loaded


# --- the key set: loading, refetch throttling, outages -------------------------------------------

def test_load_keys_fetches_once_and_caches(keys, clock, jwks):
    verifier = make_verifier(jwks.url, clock)
    assert not verifier.keys_loaded
    verifier.load_keys()
    assert verifier.keys_loaded
    for _ in range(3):
        verifier.verify_header(bearer(good_token(keys, clock)))
    assert jwks.requests == 1


def test_unknown_kid_refetches_at_most_once_per_interval(keys, clock, verifier, jwks):
    stranger = bearer(rs256(keys.rotated, {"kid": "test-key-2", "alg": "RS256"}, access_claims(clock.now)))
    clock.advance(REFETCH_INTERVAL_SECONDS)
    for _ in range(5):
        with pytest.raises(TokenRejected, match="unknown key id"):
            verifier.verify_header(stranger)
    assert jwks.requests == 2  # the load, then one refetch
    clock.advance(REFETCH_INTERVAL_SECONDS - 0.5)
    with pytest.raises(TokenRejected):
        verifier.verify_header(stranger)
    assert jwks.requests == 2
    clock.advance(0.5)
    with pytest.raises(TokenRejected):
        verifier.verify_header(stranger)
    assert jwks.requests == 3


def test_no_refetch_within_the_interval_after_loading(keys, clock, verifier, jwks):
    stranger = bearer(rs256(keys.rotated, {"kid": "test-key-2", "alg": "RS256"}, access_claims(clock.now)))
    with pytest.raises(TokenRejected, match="unknown key id"):
        verifier.verify_header(stranger)
    assert jwks.requests == 1


def test_rotated_key_is_picked_up_on_refetch(keys, clock, verifier, jwks):
    jwks.document = {"keys": [keys.signing.public_jwk(), keys.rotated.public_jwk()]}
    clock.advance(REFETCH_INTERVAL_SECONDS)
    token = rs256(keys.rotated, {"kid": "test-key-2", "alg": "RS256"}, access_claims(clock.now))
    assert verifier.verify_header(bearer(token))["sub"]
    assert verifier.verify_header(bearer(good_token(keys, clock)))["sub"]
    assert jwks.requests == 2


def test_a_verified_token_is_refused_once_its_key_has_left_the_key_set(keys, clock, verifier, jwks):
    token = bearer(good_token(keys, clock))
    assert verifier.verify_header(token)["sub"]
    jwks.document = {"keys": [keys.rotated.public_jwk()]}
    clock.advance(REFETCH_INTERVAL_SECONDS)
    verifier.load_keys()
    with pytest.raises(TokenRejected, match="unknown key id"):
        verifier.verify_header(token)


def test_a_verified_token_is_checked_against_a_replaced_key_of_the_same_id(keys, clock, verifier, jwks):
    token = bearer(good_token(keys, clock))
    assert verifier.verify_header(token)["sub"]
    jwks.document = {"keys": [keys.impostor.public_jwk()]}
    verifier.load_keys()
    with pytest.raises(TokenRejected, match="signature does not verify"):
        verifier.verify_header(token)


def test_verified_tokens_are_remembered_up_to_a_bound_and_the_claims_handed_out_are_copies(
        keys, clock, verifier, monkeypatch):
    monkeypatch.setattr(tokens, "VERIFIED_TOKENS_KEPT", 3)
    for n in range(5):
        verifier.verify_header(bearer(good_token(keys, clock, sub=f"user-{n}")))
    assert len(verifier._verified) == 3
    token = bearer(good_token(keys, clock))
    verifier.verify_header(token)["sub"] = "someone-else"
    assert verifier.verify_header(token)["sub"] != "someone-else"


def test_cached_keys_survive_an_outage(keys, clock, verifier, jwks):
    jwks.status = 503
    clock.advance(REFETCH_INTERVAL_SECONDS)
    with pytest.raises(KeysUnavailable, match="HTTP 503"):
        verifier.load_keys()
    assert verifier.keys_loaded
    assert verifier.verify_header(bearer(good_token(keys, clock)))["sub"]
    stranger = bearer(rs256(keys.rotated, {"kid": "test-key-2", "alg": "RS256"}, access_claims(clock.now)))
    clock.advance(REFETCH_INTERVAL_SECONDS)
    with pytest.raises(TokenRejected, match="unknown key id"):
        verifier.verify_header(stranger)
    assert jwks.requests == 3
    assert verifier.verify_header(bearer(good_token(keys, clock)))["sub"]


def test_without_any_key_set_the_service_is_unavailable_not_the_token_bad(keys, clock, jwks):
    jwks.status = 500
    verifier = make_verifier(jwks.url, clock)
    with pytest.raises(KeysUnavailable):
        verifier.load_keys()
    assert not verifier.keys_loaded
    token = bearer(good_token(keys, clock))
    with pytest.raises(KeysUnavailable):  # within the interval: no new request, still no keys
        verifier.verify_header(token)
    assert jwks.requests == 1
    jwks.status = 200
    clock.advance(REFETCH_INTERVAL_SECONDS)
    assert verifier.verify_header(token)["sub"]  # recovers on its own once the key set is back
    assert verifier.keys_loaded
    assert jwks.requests == 2


def test_first_verification_loads_keys_when_start_up_did_not(keys, clock, jwks):
    verifier = make_verifier(jwks.url, clock)
    assert verifier.verify_header(bearer(good_token(keys, clock)))["sub"]
    assert jwks.requests == 1


def test_bad_token_is_still_rejected_before_any_key_set_is_needed(clock, jwks):
    jwks.status = 500
    verifier = make_verifier(jwks.url, clock)
    with pytest.raises(TokenRejected):
        verifier.verify_header(bearer(unsigned({"kid": KID, "alg": "none"}, access_claims(clock.now), "AA")))
    assert jwks.requests == 0


@pytest.mark.parametrize("document", [
    {"keys": []},
    {"keys": "none"},
    {"no": "keys"},
    ["not", "an", "object"],
    {"keys": [{"kty": "oct", "kid": KID, "k": "c2VjcmV0"}]},
    {"keys": [{"kty": "RSA", "kid": KID, "use": "enc", "n": "AQAB", "e": "AQAB"}]},
])
def test_key_set_without_a_usable_signing_key_is_unavailable(clock, jwks, document):
    jwks.document = document
    with pytest.raises(KeysUnavailable, match="no usable RS256 signing key"):
        make_verifier(jwks.url, clock).load_keys()


def test_weak_and_mislabelled_keys_are_ignored(keys, clock, jwks):
    weak = KeyPair("weak-key", bits=1024)
    jwks.document = {"keys": [weak.public_jwk(), keys.rotated.public_jwk(alg="RS512"),
                              keys.signing.public_jwk()]}
    verifier = make_verifier(jwks.url, clock)
    verifier.load_keys()
    assert verifier.verify_header(bearer(good_token(keys, clock)))["sub"]
    weak_token = rs256(weak, {"kid": "weak-key", "alg": "RS256"}, access_claims(clock.now))
    with pytest.raises(TokenRejected, match="unknown key id"):
        verifier.verify_header(bearer(weak_token))


def test_key_set_redirect_is_not_followed(clock, jwks):
    jwks.status = 302
    jwks.extra_headers = {"Location": "http://127.0.0.1:1/elsewhere.json"}
    with pytest.raises(KeysUnavailable, match="HTTP 302"):
        make_verifier(jwks.url, clock).load_keys()


def test_oversized_key_set_is_refused(clock, jwks):
    jwks.body_override = b'{"keys": [' + b" " * (128 * 1024) + b"]}"
    with pytest.raises(KeysUnavailable, match="larger than expected"):
        make_verifier(jwks.url, clock).load_keys()


def test_key_set_is_fetched_with_connect_and_read_timeouts(keys, clock):
    seen = []

    def http_get(url, timeout):
        seen.append((url, timeout))
        return {"keys": [keys.signing.public_jwk()]}

    make_verifier("https://keys.example/jwks.json", clock, http_get=http_get).load_keys()
    connect, read = FETCH_TIMEOUT_SECONDS
    assert seen == [("https://keys.example/jwks.json", (connect, read))]
    assert 0 < connect <= 5 and 0 < read <= 10


def test_fetch_gives_up_on_a_server_that_never_answers():
    # A listening socket that accepts (the kernel backlog) but never replies: only the read timeout
    # ends the request.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        with pytest.raises(OSError):
            fetch_json(f"http://127.0.0.1:{silent.getsockname()[1]}/jwks.json", timeout=(1.0, 0.2))
        assert time.monotonic() - started < 5


def test_concurrent_unknown_kids_cause_a_single_refetch(keys, clock, verifier, jwks):
    jwks.document = {"keys": [keys.signing.public_jwk(), keys.rotated.public_jwk()]}
    clock.advance(REFETCH_INTERVAL_SECONDS)
    token = bearer(rs256(keys.rotated, {"kid": "test-key-2", "alg": "RS256"}, access_claims(clock.now)))
    results = []

    def verify():
        results.append(verifier.verify_header(token)["sub"])

    threads = [threading.Thread(target=verify) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert jwks.requests == 2


# --- real tokens from the local Cognito emulator -------------------------------------------------

@pytest.fixture(scope="module")
def emulator():
    server = MotoServer.start()
    try:
        local = cognito.provision(server.url)
        yield SimpleNamespace(url=server.url, cognito=local)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def emulator_tokens(emulator):
    andrew = cognito.DEMO_USERS[0]
    return cognito.sign_in(emulator.url, emulator.cognito.client_id, andrew.email, cognito.DEMO_PASSWORD)


def emulator_verifier(emulator, client_ids=None) -> CognitoAccessTokenVerifier:
    verifier = CognitoAccessTokenVerifier(region="us-east-1", user_pool_id=emulator.cognito.user_pool_id,
                                          client_ids=client_ids or [emulator.cognito.client_id],
                                          jwks_url=emulator.cognito.jwks_url)
    verifier.load_keys()
    return verifier


def test_emulator_access_token_verifies(emulator, emulator_tokens):
    claims = emulator_verifier(emulator).verify_header(bearer(emulator_tokens["AccessToken"]))
    user = cognito.client(emulator.url).get_user(AccessToken=emulator_tokens["AccessToken"])
    assert claims["sub"] == {a["Name"]: a["Value"] for a in user["UserAttributes"]}["sub"]
    assert claims["client_id"] == emulator.cognito.client_id


def test_emulator_id_token_is_rejected(emulator, emulator_tokens):
    with pytest.raises(TokenRejected, match="not an access token"):
        emulator_verifier(emulator).verify_header(bearer(emulator_tokens["IdToken"]))


def test_emulator_token_of_another_app_client_is_rejected(emulator):
    other = cognito.client(emulator.url).create_user_pool_client(
        UserPoolId=emulator.cognito.user_pool_id, ClientName="some-other-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    bayko = cognito.DEMO_USERS[1]
    tokens = cognito.sign_in(emulator.url, other, bayko.email, cognito.DEMO_PASSWORD)
    with pytest.raises(TokenRejected, match="client_id"):
        emulator_verifier(emulator).verify_header(bearer(tokens["AccessToken"]))


def test_emulator_refreshed_access_token_verifies(emulator, emulator_tokens):
    refreshed = cognito.client(emulator.url).get_tokens_from_refresh_token(
        ClientId=emulator.cognito.client_id, RefreshToken=emulator_tokens["RefreshToken"],
    )["AuthenticationResult"]
    verifier = emulator_verifier(emulator)
    first = verifier.verify_header(bearer(emulator_tokens["AccessToken"]))
    assert verifier.verify_header(bearer(refreshed["AccessToken"]))["sub"] == first["sub"]
