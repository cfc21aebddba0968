"""Who is calling: `@require_auth` / `@optional_auth` on routes, `caller_sub()` inside them.

Only the verified access token's `sub` identifies the caller. The verifier (cruddur.tokens) and its key
cache are built once per app; the keys are fetched at start-up, and a failure there only makes
readiness answer 503 until a later probe fetches them.
"""
from __future__ import annotations

import functools
import logging

from flask import Flask, current_app, g, request

from cruddur import cognito, logs
from cruddur.config import SettingsError
from cruddur.db import db
from cruddur.errors import Unauthorized, Unavailable
from cruddur.readiness import register_readiness_check
from cruddur.services import users
from cruddur.tokens import CognitoAccessTokenVerifier, KeysUnavailable, TokenRejected


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    verifier = None
    if settings.user_pool_id:
        try:
            verifier = CognitoAccessTokenVerifier(
                region=settings.region, user_pool_id=settings.user_pool_id,
                client_ids=settings.user_pool_client_ids, jwks_url=settings.jwks_url)
        except ValueError as err:
            raise SettingsError(f"AWS_COGNITO_USER_POOL_ID / AWS_COGNITO_USER_POOL_CLIENT_ID: {err}") from None
        try:
            verifier.load_keys()
        except KeysUnavailable as err:
            logs.event("cognito keys not loaded at start-up", logging.WARNING, reason=str(err))
    app.extensions["cruddur.verifier"] = verifier
    register_readiness_check(app, "cognito_keys", lambda: _keys_ready(verifier))


def _keys_ready(verifier: CognitoAccessTokenVerifier | None) -> None:
    if verifier is None:
        raise KeysUnavailable("no user pool configured (AWS_COGNITO_USER_POOL_ID)")
    if not verifier.keys_loaded:
        verifier.load_keys()


def _authenticate() -> None:
    verifier = current_app.extensions["cruddur.verifier"]
    if verifier is None:
        raise Unauthorized("no user pool configured")
    try:
        g.claims = verifier.verify_header(request.headers.get("Authorization"))
    except TokenRejected as err:
        raise Unauthorized(err.reason) from None
    except KeysUnavailable as err:
        logs.event("cognito keys unavailable", logging.ERROR, reason=str(err))
        raise Unavailable("auth_unavailable", "Sign-in cannot be checked right now; try again shortly.") \
            from None
    g.access_token = request.headers["Authorization"].split(" ", 1)[1]


def require_auth(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        _authenticate()
        return view(*args, **kwargs)
    return wrapper


def optional_auth(view):
    """Anonymous callers pass; a caller who sends a token must send a valid one."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if "Authorization" in request.headers:
            _authenticate()
        return view(*args, **kwargs)
    return wrapper


def caller_sub() -> str | None:
    """The verified caller's Cognito `sub`, or None for an anonymous caller of an optional-auth route."""
    claims = g.get("claims")
    return claims["sub"] if claims else None


def caller_access_token() -> str:
    """The caller's own verified access token (for Cognito GetUser on their behalf)."""
    return g.access_token


def caller_user() -> dict:
    """The verified caller's users row, created from their Cognito profile on their first call."""
    if "caller_user" not in g:
        g.caller_user = users.ensure(db(), caller_sub(),
                                     lambda: cognito.profiles().attributes(caller_access_token()))
    return g.caller_user
