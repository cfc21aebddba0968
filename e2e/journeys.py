"""What people do in Cruddur, as steps the journeys compose. Elements are found by role and label."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page, expect

AXE = Path(__file__).resolve().parents[1] / "frontend-react-js" / "node_modules" / "axe-core" / "axe.min.js"


@cache
def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: npm ci in frontend-react-js (axe-core is a devDependency)")
    return AXE.read_text()


def assert_accessible(page: Page) -> None:
    """axe-core's WCAG 2.x A and AA rules and its best practices find nothing on the page as it is now.

    Injected through the browser's debugging protocol (page.evaluate), which the page's CSP does not govern,
    so the production headers stay as they are."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n }}")
    result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    found = [(v["id"], v["help"], [node["target"] for node in v["nodes"]][:5]) for v in result["violations"]]
    assert found == [], f"axe-core finds violations on {page.url}: {found}"


def sign_up(page: Page, *, name: str, handle: str, email: str, password: str) -> None:
    page.goto("/signup")
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Handle").fill(handle)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()


def confirm(page: Page, code: str = "123456") -> None:
    page.get_by_role("textbox", name="Confirmation code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def sign_in(page: Page, email: str, password: str, *, expect_handle: str) -> None:
    if not page.url.rstrip("/").endswith("/signin") and "/signin?" not in page.url:
        page.goto("/signin")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(profile_link(page)).to_have_attribute("href", f"/@{expect_handle}")


def profile_link(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(profile_link(page)).to_have_count(0)


def post_crud(page: Page, message: str, ttl: str = "1 day") -> None:
    page.get_by_role("textbox", name="What's happening?").fill(message)
    page.get_by_role("combobox", name="Time to live").select_option(label=ttl)
    page.get_by_role("button", name="Crud", exact=True).click()
    expect(crud(page, message)).to_be_visible()


def crud(page: Page, message: str):
    """The article showing a crud with exactly this text."""
    return page.get_by_role("article").filter(has=page.get_by_text(message, exact=True))


def open_crud(page: Page, message: str) -> None:
    crud(page, message).get_by_role("link", name=re.compile(r"^Open crud")).click()
    expect(page.get_by_role("heading", name="Crud", exact=True)).to_be_visible()


def reply(page: Page, message: str) -> None:
    page.get_by_role("textbox", name="Your reply").fill(message)
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_role("region", name="Replies").get_by_text(message, exact=True)).to_be_visible()


def search(page: Page, term: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_role("searchbox", name="Search cruds").fill(term)
    page.get_by_role("button", name="Search").click()


def send_message(page: Page, message: str) -> None:
    page.get_by_role("textbox", name="Your message").fill(message)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages").get_by_text(message, exact=True)).to_be_visible()


def change_avatar(page: Page, picture: Path) -> str:
    """On one's own profile page: choose a new picture and wait for it to be made; its URL."""
    page.get_by_label("Change picture").set_input_files(picture)
    avatar = page.get_by_test_id("profile-avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"/[0-9a-f-]{36}/[0-9a-f]{64}\.webp$"))
    return avatar.get_attribute("src")
