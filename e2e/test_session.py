"""Token handling in the real browser: real Amplify, the real API, tokens from the emulator's Cognito."""
from __future__ import annotations

import base64
import json
import time

from playwright.sync_api import expect

ACCESS_TOKEN_KEY = "Object.keys(localStorage).find(k => k.endsWith('.accessToken'))"

NO_NOTIFICATIONS = "Nothing new. Replies, mentions, likes and reposts of your cruds show up here."


def with_claims(token: str, **claims) -> str:
    """The same JWT with some claims changed; its signature no longer matches (the API must refuse it)."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    encoded = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def replace_access_token(page, make) -> tuple[str, str]:
    original = page.evaluate(f"localStorage.getItem({ACCESS_TOKEN_KEY})")
    replaced = make(original)
    page.evaluate(f"t => localStorage.setItem({ACCESS_TOKEN_KEY}, t)", replaced)
    return original, replaced


def record_traffic(page, stack):
    """(api requests as (path, bearer token, status), Cognito operations) as the page makes them."""
    api, cognito = [], []

    def on_response(response):
        request = response.request
        if request.url.startswith(stack.site.backend.url + "/api/") and request.method != "OPTIONS":
            bearer = (request.headers.get("authorization") or "").removeprefix("Bearer ")
            api.append((request.url.removeprefix(stack.site.backend.url), bearer, response.status))
        elif request.url.startswith(stack.aws.url) and request.method == "POST":
            cognito.append(request.headers.get("x-amz-target", "").rsplit(".", 1)[-1])

    page.on("response", on_response)
    return api, cognito


def test_an_expired_access_token_is_refreshed_before_any_request_leaves(stack, open_page):
    page = open_page(as_user="londo")
    page.goto("/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    _, stale = replace_access_token(page, lambda t: with_claims(t, exp=int(time.time()) - 60))
    api, cognito = record_traffic(page, stack)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_text(NO_NOTIFICATIONS)).to_be_visible()

    assert "GetTokensFromRefreshToken" in cognito
    authorised = [(path, status) for path, token, status in api if token]
    assert ("/api/activities/notifications", 200) in authorised
    assert all(token != stale for _, token, _ in api), "a request left with the expired token"


def test_a_refused_token_is_refreshed_once_and_the_request_retried(stack, open_page):
    page = open_page(as_user="londo")
    page.goto("/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    # Looks valid to the browser (not expired) but the API refuses it: the signature does not match.
    _, refused = replace_access_token(page, lambda t: with_claims(t, jti="tampered"))
    api, cognito = record_traffic(page, stack)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text(NO_NOTIFICATIONS)).to_be_visible()

    # the page's read of the list, not the "seen" mark it may send next (live updates) by the time this looks
    calls = [(path, token == refused, status) for path, token, status in api
             if path == "/api/activities/notifications"]
    assert calls == [("/api/activities/notifications", True, 401), ("/api/activities/notifications", False, 200)]
    assert cognito.count("GetTokensFromRefreshToken") == 1
