"""The API's rules for @mentions and #tags give the cases in text_links.json, the file the web app's CrudText
is held to as well (frontend-react-js/tests/text-links.test.js), so the two cannot drift apart."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CASES = json.loads((Path(__file__).parent / "text_links.json").read_text())["cases"]
# Everything after an "@" that could be a handle, whether or not the rule counts it: each is made a user, so a
# mention the rule wrongly finds (an e-mail address's domain) would be recorded and seen.
HANDLE_LIKE = re.compile(r"@([A-Za-z0-9_]+)")
AUTHOR = "case_author"


def ids(case: dict) -> str:
    return case["text"][:40]


@pytest.fixture
def people(db):
    handles = {m.lower() for case in CASES for m in HANDLE_LIKE.findall(case["text"])} | {AUTHOR}
    with db.pool.connection() as conn:
        return dict(conn.execute(
            "INSERT INTO users (handle, display_name, email) SELECT h, h, h || '@cruddur.example' "
            "FROM unnest(%s::text[]) AS h RETURNING handle, uuid", [sorted(handles)]).fetchall())


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_crud_notifies_exactly_the_people_its_text_mentions(db, people, case):
    with db.pool.connection() as conn:
        conn.execute("INSERT INTO activities (user_uuid, message, expires_at) "
                     "VALUES (%s, %s, now() + interval '1 day')", [people[AUTHOR], case["text"]])
        told = {r[0] for r in conn.execute(
            "SELECT u.handle FROM notifications n JOIN users u ON u.uuid = n.user_uuid")}
    assert told == {m.lower() for m in case["mentions"]}, case["text"]


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_the_tag_rule_finds_the_tags_of_the_case_in_order(db, case):
    with db.pool.connection() as conn:
        assert conn.execute("SELECT crud_tags_in(%s)", [case["text"]]).fetchone()[0] == case["tags"], case["text"]
