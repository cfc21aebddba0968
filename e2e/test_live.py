"""Live updates in Debian's Chromium against the real stack: two people in two browser contexts, each seeing
what the other does within 10 seconds, with no reload (the web app polls; docs/frontend.md "Live updates")."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from journeys import crud, open_crud, post_crud, reply, send_message

# The web app's promise: new things appear within 10 s (an 8 s interval plus the answer).
LIVE = 10_000


def nav(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_a_crud_a_reply_and_messages_reach_the_other_person_without_a_reload(open_page, messages_api):
    ref = uuid.uuid4().hex[:8]
    andrew, bayko = open_page(as_user="andrewbrown"), open_page(as_user="bayko")
    with andrew.expect_response(lambda r: r.url.endswith("/api/activities/notifications/seen") and r.ok):
        andrew.goto("/notifications")  # what andrew had is now seen
    expect(nav(andrew, "Notifications")).to_have_accessible_name("Notifications")
    andrew.goto("/")
    bayko.goto("/")
    expect(bayko.get_by_role("region", name="Home feed")).to_be_visible()

    post_crud(andrew, f"Anyone up for a walk? {ref}")
    bar = bayko.get_by_role("button", name="1 new crud")
    expect(bar).to_be_visible(timeout=LIVE)
    expect(crud(bayko, f"Anyone up for a walk? {ref}")).to_have_count(0)  # offered, not pushed in
    bar.click()
    expect(crud(bayko, f"Anyone up for a walk? {ref}")).to_be_visible()
    expect(bar).to_have_count(0)

    open_crud(bayko, f"Anyone up for a walk? {ref}")
    reply(bayko, f"Count me in, @andrewbrown {ref}")
    expect(nav(andrew, "Notifications, 1 unread")).to_be_visible(timeout=LIVE)

    andrew.goto("/messages")
    bayko.goto("/@andrewbrown")
    bayko.get_by_role("link", name="Message @andrewbrown").click()
    bayko.get_by_role("textbox", name="Your message").fill(f"Meet at noon? {ref}")
    bayko.get_by_role("button", name="Send").click()
    expect(bayko.get_by_role("list", name="Messages").get_by_text(f"Meet at noon? {ref}")).to_be_visible()

    conversation = andrew.get_by_role("region", name="Conversations").get_by_role("link").filter(
        has_text=f"Meet at noon? {ref}")
    expect(conversation).to_be_visible(timeout=LIVE)
    expect(nav(andrew, re.compile(r"^Messages, \d+\+? unread$"))).to_be_visible(timeout=LIVE)
    conversation.click()
    send_message(bayko, f"Or one? {ref}")
    expect(andrew.get_by_role("list", name="Messages").get_by_text(f"Or one? {ref}", exact=True)).to_be_visible(
        timeout=LIVE)
    assert andrew.js_errors == [] and bayko.js_errors == []
