"""Mentions, tags and Trending, in Debian's Chromium against the real API, PostgreSQL and the AWS emulator."""
from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from conftest import DEMO, PHONE
from devstack import cognito as local_cognito
from journeys import assert_accessible, crud, post_crud


def test_a_crud_links_its_tag_and_mention_and_the_tag_trends(stack, open_page, screenshots):
    tag = f"Trail{uuid.uuid4().hex[:8]}"
    message = f"Shipping on #{tag} with @bayko today"
    page = open_page(as_user="andrewbrown")
    page.goto("/")
    post_crud(page, message)

    crud(page, message).get_by_role("link", name=f"#{tag}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/search\?term=%23{tag}$"))
    expect(page.get_by_role("region", name=f"Results for #{tag}").get_by_role("article")).to_have_count(1)
    crud(page, message).get_by_role("link", name="@bayko", exact=True).click()
    expect(page.get_by_role("heading", name="Andrew Bayko")).to_be_visible()

    # Someone else uses the tag too (a reply, through the API), so it trends above tags one person used.
    token = local_cognito.sign_in(stack.aws.url, stack.pool.client_id, DEMO["bayko"].email,
                                  local_cognito.DEMO_PASSWORD)["AccessToken"]
    posted = requests.get(f"{stack.site.backend.url}/api/activities/search", params={"term": f"#{tag}"}, timeout=10)
    answer = requests.post(f"{stack.site.backend.url}/api/activities/{posted.json()['items'][0]['uuid']}/reply",
                           json={"message": f"#{tag.upper()} indeed"}, headers={"Authorization": f"Bearer {token}"},
                           timeout=10)
    assert answer.status_code == 201, answer.text

    page.goto("/")
    trending = page.get_by_role("complementary", name="Trending")
    entry = trending.get_by_role("link", name=re.compile(rf"^#{tag.lower()}"))
    expect(entry).to_have_text(f"#{tag.lower()}2 cruds by 2 people")
    assert_accessible(page)
    page.screenshot(path=str(screenshots / "trending.png"), full_page=True)

    # On a phone Trending is on the Search page; its link searches for the tag.
    phone = open_page(viewport=PHONE)
    phone.goto("/search")
    expect(phone.get_by_role("complementary")).to_have_count(0)
    phone_entry = phone.get_by_role("region", name="Trending").get_by_role("link", name=re.compile(rf"^#{tag.lower()}"))
    expect(phone_entry).to_be_visible()
    assert_accessible(phone)
    phone.screenshot(path=str(screenshots / "trending-phone.png"), full_page=True)
    phone_entry.click()
    expect(phone.get_by_role("region", name=f"Results for #{tag.lower()}").get_by_role("article")).to_have_count(2)
    assert page.js_errors == [] and phone.js_errors == []
