"""Avatars in Debian's Chromium against the real API, PostgreSQL and the emulator's S3: a picture chosen on
one's profile page is uploaded straight to the uploads bucket, made into the avatar by the API, and shown
beside one's cruds, through the production CSP."""
from __future__ import annotations

import uuid

from PIL import Image
from playwright.sync_api import expect

from journeys import assert_accessible, change_avatar, crud, post_crud


def test_a_picture_uploaded_on_the_profile_shows_beside_ones_cruds(open_page, tmp_path, screenshots):
    picture = tmp_path / "holiday.jpg"
    Image.new("RGB", (900, 600), (30, 120, 200)).save(picture, "JPEG")
    message = f"New picture, who dis {uuid.uuid4().hex[:8]}"
    page = open_page(as_user="londo")
    page.goto("/")
    post_crud(page, message)

    page.goto("/@londo")
    url = change_avatar(page, picture)
    page.screenshot(path=str(screenshots / "avatar-profile.png"))

    expect(crud(page, message).get_by_test_id("avatar")).to_have_attribute("src", url)
    page.goto("/")
    beside = crud(page, message).get_by_test_id("avatar")
    expect(beside).to_have_attribute("src", url)
    # drawn, not merely named: the CSP let the browser load it, and it is the API's 256-pixel WebP
    page.wait_for_function("img => img.complete && img.naturalWidth === 256", arg=beside.element_handle())
    assert_accessible(page)
    page.screenshot(path=str(screenshots / "avatar-home.png"))
    assert page.js_errors == []
