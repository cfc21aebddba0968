"""The journeys of issue 4, in Debian's Chromium against the real API, PostgreSQL and the AWS emulator."""
from __future__ import annotations

import re
import uuid
import zlib

import requests
from playwright.sync_api import expect

from conftest import DEMO, DESKTOP, PHONE
from devstack import cognito as local_cognito
from journeys import (
    assert_accessible,
    confirm,
    crud,
    open_crud,
    post_crud,
    profile_link,
    reply,
    search,
    send_message,
    sign_in,
    sign_out,
    sign_up,
)
from stack import DIST

PASSWORD = "E2e-Journey-2026!"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def test_a_new_user_signs_up_cruds_gets_a_reply_edits_bio_searches_and_signs_out(open_page, screenshots):
    handle = unique("newbie")
    email = f"{handle}@cruddur.example"
    word = unique("zebra")
    message = f"Hello Cruddur, this is {word}"
    page = open_page()

    sign_up(page, name="Nina Newbie", handle=handle, email=email, password=PASSWORD)
    expect(page.get_by_role("textbox", name="Email")).to_have_value(email)  # carried over from sign-up
    screenshots_of(page, screenshots, "confirm")
    confirm(page)
    expect(page.get_by_role("textbox", name="Email")).to_have_value(email)
    sign_in(page, email, PASSWORD, expect_handle=handle)

    post_crud(page, message, ttl="3 hours")
    page.reload()  # Home comes from the server again, not from the form's state
    expect(crud(page, message)).to_be_visible()
    expect(crud(page, message).get_by_text("3 hours left", exact=True)).to_be_visible()
    screenshots_of(page, screenshots, "home")

    open_crud(page, message)
    crud_url = page.url

    # Another user replies; the author sees it in Notifications.
    bayko = open_page(as_user="bayko")
    bayko.goto(crud_url)
    reply(bayko, f"Welcome aboard, @{handle}!")
    screenshots_of(bayko, screenshots, "activity")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    notification = crud(page, f"Welcome aboard, @{handle}!")
    expect(notification).to_be_visible()
    expect(notification.get_by_text("replied to you")).to_be_visible()
    screenshots_of(page, screenshots, "notifications")

    # Visit the replier's profile from the notification.
    notification.get_by_role("link", name=re.compile("Andrew Bayko")).click()
    expect(page.get_by_role("heading", name="Andrew Bayko")).to_be_visible()
    expect(page.get_by_role("button", name="Edit profile")).to_have_count(0)

    # Edit your own bio; it survives a reload.
    profile_link(page).click()
    expect(page.get_by_role("heading", name="Nina Newbie")).to_be_visible()
    page.get_by_role("button", name="Edit profile").click()
    page.get_by_role("textbox", name="Bio").fill(f"I post about {word}s.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text(f"I post about {word}s.")).to_be_visible()
    page.reload()
    expect(page.get_by_text(f"I post about {word}s.")).to_be_visible()
    screenshots_of(page, screenshots, "profile")

    search(page, word)
    expect(crud(page, message)).to_be_visible()
    screenshots_of(page, screenshots, "search")

    sign_out(page)
    page.goto("/notifications")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page_errors(page) == []


def test_a_message_reaches_the_other_user_when_they_sign_in(open_page, screenshots, messages_api):
    text = f"Lunch on Thursday? {unique('ref')}"
    andrew, londo = DEMO["andrewbrown"], DEMO["londo"]
    page = open_page()

    sign_in(page, andrew.email, local_cognito.DEMO_PASSWORD, expect_handle=andrew.handle)
    page.goto(f"/@{londo.handle}")
    page.get_by_role("link", name=f"Message @{londo.handle}").click()
    send_message(page, text)
    conversation_url = page.url
    sign_out(page)

    sign_in(page, londo.email, local_cognito.DEMO_PASSWORD, expect_handle=londo.handle)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    conversations = page.get_by_role("region", name="Conversations")
    expect(conversations.get_by_text(text)).to_be_visible()
    screenshots_of(page, screenshots, "messages")
    conversations.get_by_role("link").filter(has_text=andrew.name).click()
    assert page.url == conversation_url  # one conversation per pair, whoever opens it
    expect(page.get_by_role("list", name="Messages").get_by_text(text, exact=True)).to_be_visible()
    screenshots_of(page, screenshots, "conversation")
    sign_out(page)


def test_deep_links_load_after_a_full_reload_under_the_production_server_config(stack, open_page, messages_api):
    token = local_cognito.sign_in(stack.aws.url, stack.pool.client_id, DEMO["bayko"].email,
                                  local_cognito.DEMO_PASSWORD)["AccessToken"]
    api = stack.site.backend.url
    headers = {"Authorization": f"Bearer {token}"}
    crud_uuid = requests.post(f"{api}/api/activities", json={"message": "deep link me", "ttl": "1-day"},
                              headers=headers, timeout=10).json()["uuid"]
    sent = requests.post(f"{api}/api/messages", json={"message": "deep link message", "handle": "londo"},
                         headers=headers, timeout=10)
    assert sent.status_code == 201, sent.text
    group = sent.json()["message_group_uuid"]

    page = open_page(as_user="bayko")
    for path, proof in [
        (f"/@bayko/status/{crud_uuid}", page.get_by_text("deep link me", exact=True)),
        (f"/messages/{group}", page.get_by_role("list", name="Messages").get_by_text("deep link message")),
        ("/@londo", page.get_by_role("heading", name="Londo Mollari")),
        ("/notifications", page.get_by_role("heading", name="Notifications")),
    ]:
        served = requests.get(stack.site.url + path, timeout=5)
        assert (served.status_code, "<div id=\"root\">" in served.text) == (200, True), path
        page.goto(path)
        expect(proof).to_be_visible()
        page.reload()
        expect(proof).to_be_visible()
    assert page_errors(page) == []


def test_a_visitor_learns_what_cruddur_is_and_is_told_why_a_page_needs_a_sign_in(open_page):
    page = open_page()
    page.goto("/")
    intro = page.get_by_role("region", name="Cruddur: say it, and let it go")
    expect(intro).to_contain_text("has a time to live you choose")
    assert_accessible(page)
    expect(intro.get_by_role("link", name="Create an account")).to_have_attribute("href", "/signup")

    page.goto("/messages")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Sign in to read your messages. You will be taken there once you are in.")
    assert_accessible(page)
    londo = DEMO["londo"]
    sign_in(page, londo.email, local_cognito.DEMO_PASSWORD, expect_handle=londo.handle)
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    assert page.url.endswith("/messages")
    expect(page.get_by_role("region", name="Cruddur: say it, and let it go")).to_have_count(0)
    assert page_errors(page) == []


def test_an_api_outage_leaves_a_signed_in_person_signed_in_with_one_message_and_a_retry(stack, open_page):
    page = open_page(as_user="bayko")
    unreachable = f"{stack.site.backend.url}/**"
    # The browser cannot reach the API at all, as when it is down: every request to it fails to connect.
    page.route(unreachable, lambda route: route.abort("connectionrefused"))
    page.goto("/messages")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(re.compile(r"^Cruddur cannot be reached right now\."))
    expect(alert).to_have_count(1)
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    assert page.url.endswith("/messages"), page.url  # not sent to Sign in
    expect(page.get_by_role("banner").get_by_text("@bayko")).to_be_visible()
    expect(profile_link(page)).to_have_attribute("href", "/@bayko")
    assert_accessible(page)

    page.unroute(unreachable)
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("region", name="Conversations")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page_errors(page) == []


def test_robots_txt_is_a_robots_file_not_the_app(stack):
    served = requests.get(f"{stack.site.url}/robots.txt", timeout=5)
    assert (served.status_code, served.headers["Content-Type"].split(";")[0]) == (200, "text/plain")
    assert served.text.splitlines()[0] == "User-agent: *", served.text[:200]


def test_the_app_page_opens_the_api_connection_early_and_sends_its_scripts_well_compressed(stack):
    page = requests.get(f"{stack.site.url}/@bayko", timeout=5)
    assert page.headers.get("Link") == f"<{stack.site.backend.url}>; rel=preconnect; crossorigin", page.headers
    entry = re.search(r'<script type="module" crossorigin src="([^"]+)"', page.text).group(1)
    script = requests.get(stack.site.url + entry, headers={"Accept-Encoding": "gzip"}, timeout=5, stream=True)
    sent = len(script.raw.read(decode_content=False))
    assert "Link" not in script.headers, "only the app's page needs the hint"
    # nginx's default gzip level (1) sends this file a fifth larger than level 6 does.
    level_6 = len(zlib.compress((DIST / entry.lstrip("/")).read_bytes(), 6))
    assert sent <= level_6 * 1.02, f"{entry}: {sent} bytes sent, {level_6} at gzip level 6"


# Layout shifts of the page so far (buffered), with whether `main` itself was among what moved.
LAYOUT_SHIFTS = """() => new Promise((resolve) => new PerformanceObserver((list, observer) => {
  observer.disconnect();
  resolve(list.getEntries().filter((e) => !e.hadRecentInput).map((e) => ({
    value: e.value, main: e.sources.some((s) => s.node === document.querySelector('main')) })));
}).observe({ type: 'layout-shift', buffered: true }))"""


def layout_shifts(page) -> list[dict]:
    # An observer reports only once there is an entry: a page that never shifted answers with none.
    none_after_a_second = "new Promise((r) => setTimeout(() => r([]), 1000))"
    return page.evaluate(f"() => Promise.race([({LAYOUT_SHIFTS})(), {none_after_a_second}])")


def test_the_header_filling_in_does_not_move_the_page(open_page):
    for as_user, viewport in [(None, PHONE), ("bayko", PHONE), (None, DESKTOP), ("bayko", DESKTOP)]:
        page = open_page(as_user=as_user, viewport=viewport)
        page.goto("/")
        expect(page.get_by_role("region", name="Home feed").get_by_role("article").first).to_be_visible()
        expect(page.get_by_role("banner").get_by_role("button", name="Sign out") if as_user
               else page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
        shifts = layout_shifts(page)
        assert not any(s["main"] for s in shifts), f"main moved ({as_user}, {viewport}): {shifts}"
        assert sum(s["value"] for s in shifts) < 0.05, f"layout shift ({as_user}, {viewport}): {shifts}"


def test_unknown_paths_show_the_apps_404_page(open_page):
    page = open_page()
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)


def test_a_malformed_crud_address_shows_the_apps_404_page_signed_out_and_signed_in(open_page):
    for as_user in (None, "bayko"):
        page = open_page(as_user=as_user)
        page.goto("/@bayko/status/not-a-crud")
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)  # neither "cannot be reached" nor the API's words
        assert_accessible(page)
        assert page_errors(page) == []


# Every control a thumb uses, with its size, unless it is smaller than 44 × 44 px (WCAG 2.5.5). Links inside
# a sentence are the rule's own exception; the skip link sits off screen until it has focus.
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea')].flatMap((el) => {
  // a control inside its label (the file input behind "Change picture") is pressed through the label
  const r = (el.tagName === 'INPUT' && el.closest('label') || el).getBoundingClientRect();
  const inSentence = el.tagName === 'A' && el.parentElement.tagName === 'P'
    && el.parentElement.textContent.trim() !== el.textContent.trim();
  if ((r.width === 0 && r.height === 0) || r.right <= 0 || inSentence) return [];
  const name = `${el.tagName} "${el.textContent.trim().slice(0, 30)}"`;
  return r.width < 44 || r.height < 44 ? [`${name} ${r.width}x${r.height}`] : [];
})"""


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, f"{locator} is not rendered"
    return found


def assert_phone_layout(page, *, first_screen: list) -> None:
    """Navigation is a bar at the bottom, the header one short row, `first_screen` visible between the two
    without scrolling, every touch target at least 44 px, and nothing wider than the screen."""
    height = PHONE["height"]
    nav = box(page.get_by_role("navigation", name="Main"))
    assert abs(nav["y"] + nav["height"] - height) <= 1 and nav["height"] <= 72, f"navigation is not a bottom bar: {nav}"
    for link in page.get_by_role("navigation", name="Main").get_by_role("link").all():
        size = box(link)
        assert size["height"] >= 44 and size["width"] >= 44, f"{link.inner_text()} is {size}"
    header = box(page.get_by_role("banner"))
    assert header["height"] <= 64, f"the header takes {header['height']} px"
    assert page.evaluate("window.scrollY") == 0
    for locator in first_screen:
        where = box(locator)
        assert where["y"] >= header["y"] + header["height"] - 1 and where["y"] + where["height"] <= nav["y"] + 1, \
            f"{locator} is at {where}, not between the header and the navigation of the first screen"
    assert page.evaluate(SMALL_TARGETS) == [], f"touch targets under 44 px on {page.url}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page scrolls sideways"


def test_the_layout_works_on_a_phone(stack, open_page, screenshots, messages_api):
    token = local_cognito.sign_in(stack.aws.url, stack.pool.client_id, DEMO["bayko"].email,
                                  local_cognito.DEMO_PASSWORD)["AccessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    group = None
    for n in range(14):  # a conversation longer than a phone's screen
        sent = requests.post(f"{stack.site.backend.url}/api/messages", headers=headers, timeout=10,
                             json={"message": f"phone layout message {n}", **({"message_group_uuid": group} if group
                                                                              else {"handle": "andrewbrown"})})
        assert sent.status_code == 201, sent.text
        group = sent.json()["message_group_uuid"]

    page = open_page(as_user="bayko", viewport=PHONE)
    page.goto("/")
    expect(profile_link(page)).to_be_visible()
    assert_phone_layout(page, first_screen=[page.get_by_role("textbox", name="What's happening?"),
                                            page.get_by_role("button", name="Crud", exact=True)])
    screenshots_of(page, screenshots, "home-phone")

    page.goto(f"/messages/{group}")
    expect(page.get_by_role("list", name="Messages").get_by_text("phone layout message 13")).to_be_visible()
    assert_phone_layout(page, first_screen=[page.get_by_role("textbox", name="Your message"),
                                            page.get_by_role("button", name="Send")])
    screenshots_of(page, screenshots, "conversation-phone")

    for path, proof in [("/messages", page.get_by_role("heading", name="Messages")),
                        ("/@bayko", page.get_by_role("heading", name="Andrew Bayko"))]:
        page.goto(path)
        expect(proof).to_be_visible()
        assert_phone_layout(page, first_screen=[proof])

    visitor = open_page(viewport=PHONE)
    for path, proof in [("/", visitor.get_by_role("heading", name="Home")),
                        ("/signin", visitor.get_by_role("button", name="Sign in"))]:
        visitor.goto(path)
        expect(proof).to_be_visible()
        assert_phone_layout(visitor, first_screen=[proof])
    assert page_errors(page) == [] and page_errors(visitor) == []


def test_keyboard_users_reach_the_content_and_see_focus(open_page):
    page = open_page(as_user="bayko")
    page.goto("/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused link shows no outline"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_keyboard_users_post_and_send_and_stay_in_the_text_box(open_page, messages_api):
    page = open_page(as_user="bayko")
    page.goto("/")
    box = page.get_by_role("textbox", name="What's happening?")
    box.focus()
    text = f"posted from the keyboard {unique('k')}"
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # the time to live
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Crud", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(crud(page, text)).to_be_visible()
    expect(box).to_be_focused()  # not the page body: the next crud can be typed at once

    page.goto("/messages/new/londo")
    message_box = page.get_by_role("textbox", name="Your message")
    message_box.focus()
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(message_box).to_have_value("first line\nsecond line")
    page.keyboard.press("Enter")
    messages = page.get_by_role("list", name="Messages")
    expect(messages.get_by_text("first line\nsecond line")).to_be_visible()
    page.get_by_role("textbox", name="Your message").focus()
    page.keyboard.type("and Enter sends")
    page.keyboard.press("Enter")
    expect(messages.get_by_text("and Enter sends", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()
    expect(page.get_by_role("textbox", name="Your message")).to_have_value("")
    assert page_errors(page) == []


def screenshots_of(page, folder, name: str) -> None:
    """Every page worth a screenshot is also checked with axe-core, in the state shown."""
    assert_accessible(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def page_errors(page) -> list[str]:
    return page.js_errors
