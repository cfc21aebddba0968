"""Verification of Cognito access tokens, as strict as awslabs/aws-jwt-verify.

The caller hands over the raw `Authorization` header and gets back the claims of a token that is an
access token of our user pool, issued to one of our app clients, signed RS256 by one of the pool's keys
and valid right now; anything else raises `TokenRejected`. The reason it carries is meant for the log:
it is a fixed phrase and never contains the token or any part of it.

The key set is fetched once (`load_keys`, at start-up) and cached. A token naming a key we do not know
triggers one refetch, at most once every `REFETCH_INTERVAL_SECONDS`, so a flood of made-up `kid`s cannot
turn into a flood of requests to Cognito; a failed refetch keeps the keys we already have.

A signed-in browser sends the same token with every request for an hour, and checking its RS256 signature
was most of what a signed-in request cost over an anonymous one. So a token whose signature has verified
is remembered (the last `VERIFIED_TOKENS_KEPT`, keyed by the whole token): the same bytes under the same
key verify the same way every time. Its claims are checked again on every use (expiry above all), and it
is verified afresh once the key it verified under has left the key set or been replaced.
"""
from __future__ import annotations

import base64
import binascii
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import requests
from jose import jwk
from jose.exceptions import JOSEError

from cruddur import inputs

# A Cognito access token is about 1 KB; groups and scopes can grow it a little. Anything far bigger is
# refused before a single byte of it is decoded.
MAX_AUTHORIZATION_LENGTH = 8192
REFETCH_INTERVAL_SECONDS = 10.0
FETCH_TIMEOUT_SECONDS = (3.05, 5.0)  # (connect, read)
MAX_KEY_SET_BYTES = 64 * 1024
MIN_RSA_BITS = 2048
ALGORITHM = "RS256"
VERIFIED_TOKENS_KEPT = 1024

# Headers that would let the token choose where its own key comes from, or demand processing rules we do
# not implement: a token carrying any of them is refused outright.
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "x5c", "jwk", "crit"})

_BEARER = re.compile(r"(?i:bearer) ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")


class TokenRejected(Exception):
    """The request does not carry a valid access token. `reason` is for the log only."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class KeysUnavailable(Exception):
    """The pool's key set could not be fetched (or held no usable key), and none is cached."""


def fetch_json(url: str, timeout: tuple[float, float] = FETCH_TIMEOUT_SECONDS) -> Any:
    """GET `url` and parse its JSON body: no redirects, bounded time, bounded size."""
    with requests.get(url, timeout=timeout, allow_redirects=False, stream=True) as response:
        if response.status_code != 200:
            raise OSError(f"key set request answered HTTP {response.status_code}")
        body = response.raw.read(MAX_KEY_SET_BYTES + 1, decode_content=True)
    if len(body) > MAX_KEY_SET_BYTES:
        raise OSError("key set larger than expected")
    return inputs.loads(body)


class CognitoAccessTokenVerifier:
    def __init__(self, *, region: str, user_pool_id: str, client_ids: Iterable[str] | str,
                 jwks_url: str | None = None, leeway_seconds: float = 5, clock: Callable[[], float] = time.time,
                 http_get: Callable[[str, tuple[float, float]], Any] | None = None):
        if not region or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", region):
            raise ValueError("region must look like us-east-1")
        if not user_pool_id or not re.fullmatch(re.escape(region) + r"_[A-Za-z0-9]+", user_pool_id):
            raise ValueError(f"user pool id must be <region>_<id> for region {region}")
        ids = (client_ids,) if isinstance(client_ids, str) else tuple(client_ids)
        if not ids or not all(isinstance(c, str) and c for c in ids):
            raise ValueError("at least one app client id is required")
        if leeway_seconds < 0:
            raise ValueError("leeway_seconds must not be negative")
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        # Even when the keys come from a local emulator, the issuer we accept stays the real one.
        self.jwks_url = jwks_url or f"{self.issuer}/.well-known/jwks.json"
        self.client_ids = frozenset(ids)
        self.leeway = leeway_seconds
        self._clock = clock
        self._http_get = http_get or fetch_json
        self._keys: dict[str, Any] = {}
        self._last_fetch: float | None = None
        self._fetch_lock = threading.Lock()
        # token → (its kid, the key object its signature verified under, its claims)
        self._verified: OrderedDict[str, tuple[str, Any, dict]] = OrderedDict()
        self._verified_lock = threading.Lock()

    @property
    def keys_loaded(self) -> bool:
        return bool(self._keys)

    def load_keys(self) -> None:
        """Fetch the key set now; on failure the previously cached keys stay in use."""
        with self._fetch_lock:
            self._fetch_keys()

    def verify_header(self, authorization: str | None) -> dict:
        """Claims of the access token in an `Authorization: Bearer <token>` header.

        Raises TokenRejected for anything but a valid access token of this pool and client, and
        KeysUnavailable only when no key set has ever been loaded and it cannot be fetched now (the
        service, not the caller, is at fault then).
        """
        if not isinstance(authorization, str) or not authorization:
            raise TokenRejected("no Authorization header")
        if len(authorization) > MAX_AUTHORIZATION_LENGTH:
            raise TokenRejected("Authorization header too large")
        match = _BEARER.fullmatch(authorization)
        if not match:
            raise TokenRejected("Authorization is not 'Bearer <one JWT>'")
        header_b64, payload_b64, signature_b64 = match.groups()
        token = ".".join(match.groups())

        remembered = self._remembered(token)
        if remembered is not None:
            self._check_claims(remembered)
            return dict(remembered)

        header = _decode_json_segment(header_b64, "header")
        self._check_header(header)
        key = self._key_for(header["kid"])
        signature = _decode_segment(signature_b64, "signature")
        if not _signature_matches(key, f"{header_b64}.{payload_b64}".encode("ascii"), signature):
            raise TokenRejected("signature does not verify")
        claims = _decode_json_segment(payload_b64, "payload")
        self._check_claims(claims)
        self._remember(token, header["kid"], key, claims)
        return dict(claims)

    def _remembered(self, token: str) -> dict | None:
        with self._verified_lock:
            entry = self._verified.get(token)
            if entry is None:
                return None
            kid, key, claims = entry
            if self._keys.get(kid) is not key:  # the key set changed since: verify afresh
                del self._verified[token]
                return None
            self._verified.move_to_end(token)
            return claims

    def _remember(self, token: str, kid: str, key: Any, claims: dict) -> None:
        with self._verified_lock:
            self._verified[token] = (kid, key, claims)
            self._verified.move_to_end(token)
            while len(self._verified) > VERIFIED_TOKENS_KEPT:
                self._verified.popitem(last=False)

    def _check_header(self, header: dict) -> None:
        if header.get("alg") != ALGORITHM:
            raise TokenRejected("algorithm is not RS256")
        if FORBIDDEN_HEADERS & header.keys():
            raise TokenRejected("token carries a forbidden header (jku, x5u, x5c, jwk or crit)")
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise TokenRejected("token names no key id")

    def _check_claims(self, claims: dict) -> None:
        now = self._clock()
        if claims.get("iss") != self.issuer:
            raise TokenRejected("issuer is not this user pool")
        if claims.get("token_use") != "access":
            raise TokenRejected("not an access token")
        client_id = claims.get("client_id")
        if not isinstance(client_id, str) or client_id not in self.client_ids:
            raise TokenRejected("client_id is not an allowed app client")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise TokenRejected("token names no subject")
        exp = _numeric_date(claims, "exp", required=True)
        if now > exp + self.leeway:
            raise TokenRejected("token expired")
        iat = _numeric_date(claims, "iat", required=True)
        if iat > now + self.leeway:
            raise TokenRejected("token issued in the future")
        nbf = _numeric_date(claims, "nbf", required=False)
        if nbf is not None and nbf > now + self.leeway:
            raise TokenRejected("token not valid yet")

    def _key_for(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._fetch_lock:
            key = self._keys.get(kid)  # another thread may have refetched while we waited
            if key is None and self._may_refetch():
                try:
                    self._fetch_keys()
                except KeysUnavailable:
                    if not self._keys:
                        raise
                key = self._keys.get(kid)
        if key is None:
            if not self._keys:
                raise KeysUnavailable("no key set loaded yet")
            raise TokenRejected("unknown key id")
        return key

    def _may_refetch(self) -> bool:
        return self._last_fetch is None or self._clock() - self._last_fetch >= REFETCH_INTERVAL_SECONDS

    def _fetch_keys(self) -> None:
        self._last_fetch = self._clock()
        try:
            document = self._http_get(self.jwks_url, FETCH_TIMEOUT_SECONDS)
        except Exception as error:  # any transport or parse failure means the same thing to the caller
            raise KeysUnavailable(f"fetching the key set from {self.jwks_url} failed: "
                                  f"{type(error).__name__}: {error}") from None
        keys = _usable_keys(document)
        if not keys:
            raise KeysUnavailable(f"the key set at {self.jwks_url} holds no usable RS256 signing key")
        self._keys = keys


def _usable_keys(document: Any) -> dict[str, Any]:
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return {}
    keys = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", ALGORITHM) != ALGORITHM:
            continue
        kid, modulus = entry.get("kid"), entry.get("n")
        if not isinstance(kid, str) or not kid or not isinstance(modulus, str):
            continue
        try:
            if len(_b64url_decode(modulus.rstrip("="))) * 8 < MIN_RSA_BITS:
                continue
            keys[kid] = jwk.construct(entry, ALGORITHM)
        except (JOSEError, ValueError, TypeError):
            continue
    return keys


def _signature_matches(key: Any, signing_input: bytes, signature: bytes) -> bool:
    try:
        return bool(key.verify(signing_input, signature))
    except Exception:  # a malformed signature is just a signature that does not match
        return False


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode_segment(segment: str, part: str) -> bytes:
    """Strict base64url: no padding, and only the one canonical spelling of each byte string."""
    try:
        raw = _b64url_decode(segment)
    except (binascii.Error, ValueError):
        raise TokenRejected(f"{part} is not base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise TokenRejected(f"{part} is not canonical base64url")
    return raw


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member")
    return result


def _decode_json_segment(segment: str, part: str) -> dict:
    raw = _decode_segment(segment, part)
    try:
        value = inputs.loads(raw, object_pairs_hook=_reject_duplicates)
    except inputs.JsonRefused:
        raise TokenRejected(f"{part} is not a JSON object") from None
    if not isinstance(value, dict):
        raise TokenRejected(f"{part} is not a JSON object")
    return value


def _numeric_date(claims: dict, name: str, *, required: bool) -> float | None:
    if name not in claims and not required:
        return None
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TokenRejected(f"{name} is missing or not a number")
    return value
