"""SQL-injection strings in every input give ordinary answers, and the data stays intact."""
from urllib.parse import quote

import pytest

from helpers import post_crud

NASTY = ["' OR '1'='1", "'; DROP TABLE users; --", "\" OR \"\"=\"", "1); DELETE FROM activities; --",
         "%(sub)s", "%s", "$1", "\\'; SELECT pg_sleep(5); --", "@bayko' --", "bayko'--"]


@pytest.mark.parametrize("text", NASTY)
def test_injection_in_handles_is_a_plain_404(client, auth, text):
    post_crud(client, auth, "bayko")
    for path in (f"/api/activities/@{quote(text, safe='')}", f"/api/users/@{quote(text, safe='')}/short"):
        r = client.get(path)
        assert r.status_code == 404, path
    assert len(client.get("/api/activities/home").json["items"]) == 1


@pytest.mark.parametrize("text", NASTY)
def test_injection_in_search_terms_is_an_ordinary_search(client, auth, text):
    post_crud(client, auth, "bayko", "users and activities")
    r = client.get(f"/api/activities/search?term={quote(text)}")
    assert r.status_code == 200 and isinstance(r.json["items"], list)
    assert len(client.get("/api/activities/home").json["items"]) == 1


@pytest.mark.parametrize("text", NASTY)
def test_injection_in_bodies_is_stored_as_text(client, auth, text):
    crud = post_crud(client, auth, "bayko", text)
    assert crud["message"] == text.strip()
    r = client.post("/api/profile/update", json={"display_name": text, "bio": text}, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["display_name"], r.json["bio"]) == (200, text.strip(), text.strip())
    assert client.get("/api/activities/@bayko").json["items"][0]["message"] == text.strip()
