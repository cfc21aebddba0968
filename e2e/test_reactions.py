"""Likes and reposts in the browser: one person likes and reposts another's crud; the counts, the home
feed's "Reposted by" line and the author's notifications show it, and the buttons stay pressed after a reload."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from journeys import assert_accessible, crud, post_crud


def test_londo_likes_and_reposts_a_crud_of_baykos_and_bayko_hears_of_it(open_page):
    message = f"Reactions please {uuid.uuid4().hex[:8]}"
    bayko = open_page(as_user="bayko")
    bayko.goto("/")
    post_crud(bayko, message)

    londo = open_page(as_user="londo")
    londo.goto("/")
    card = crud(londo, message)
    like = card.get_by_role("button", name=re.compile(r"^Like crud by @bayko"))
    repost = card.get_by_role("button", name=re.compile(r"^Repost crud by @bayko"))
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("1 like")
    expect(like).to_have_attribute("aria-busy", "false")  # pressed at once; answered by the API now
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "true")
    expect(repost).to_contain_text("1 repost")
    expect(repost).to_have_attribute("aria-busy", "false")

    londo.reload()  # what the API says now, not what the buttons remember
    card = crud(londo, message)
    expect(card.get_by_text("Reposted by")).to_contain_text("@londo")
    for label in ("Like", "Repost"):
        button = card.get_by_role("button", name=re.compile(rf"^{label} crud by @bayko"))
        expect(button).to_have_attribute("aria-pressed", "true")
    assert_accessible(londo)

    bayko.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(bayko.get_by_text("@londo liked your crud")).to_be_visible()
    expect(bayko.get_by_text("@londo reposted your crud")).to_be_visible()
    expect(crud(bayko, message)).to_have_count(2)
