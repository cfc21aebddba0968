"""One production build, pointed at another backend and another Cognito pool by config.json alone."""
from __future__ import annotations

import hashlib

import psycopg
from playwright.sync_api import expect

from journeys import confirm, crud, post_crud, sign_in, sign_up
from stack import DIST, create_pool

PASSWORD = "E2e-Other-Site-2026!"


def digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_the_same_build_serves_another_backend_and_pool_by_config_json_alone(stack, open_page):
    build_before = digest(DIST)
    other_pool = create_pool(stack.aws.url, "cruddur-other")
    other = stack.add_site("other", other_pool)
    assert other.web.runtime_dir != stack.site.web.runtime_dir

    page = open_page(base_url=other.url)
    config = page.request.get(f"{other.url}/config.json").json()
    assert (config["backendUrl"], config["userPoolId"]) == (other.backend.url, other_pool.user_pool_id)

    sign_up(page, name="Olga Other", handle="olga", email="olga@other.example", password=PASSWORD)
    confirm(page)
    sign_in(page, "olga@other.example", PASSWORD, expect_handle="olga")
    post_crud(page, "Posted on the other site")
    expect(crud(page, "Posted on the other site")).to_be_visible()

    # The user went to the other pool only, and the crud to the other backend's database only.
    idp = stack.pool_client()
    assert idp.list_users(UserPoolId=other_pool.user_pool_id, Filter='email = "olga@other.example"')["Users"]
    assert not idp.list_users(UserPoolId=stack.pool.user_pool_id, Filter='email = "olga@other.example"')["Users"]
    assert count_cruds(other.backend.database_url, "Posted on the other site") == 1
    assert count_cruds(stack.site.backend.database_url, "Posted on the other site") == 0
    assert digest(DIST) == build_before  # nothing was rebuilt


def count_cruds(database_url: str, message: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM activities WHERE message = %s", (message,)).fetchone()[0]
