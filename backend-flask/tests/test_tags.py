"""#tags: recorded with each crud, searched for as one #tag, and counted in Trending."""
from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from cruddur import migrations
from helpers import post_crud, reply


def tags_of(db, activity_uuid) -> list[str]:
    with db.pool.connection() as conn:
        return [r[0] for r in conn.execute("SELECT tag FROM crud_tags WHERE activity_uuid = %s ORDER BY tag",
                                           [activity_uuid])]


def test_a_crud_and_a_reply_record_their_tags_once_each_in_lower_case(client, auth, clock, db):
    crud = post_crud(client, auth, "bayko", "Shipping #Fargate tasks, #fargate again, #ECS")
    answer = reply(client, auth, "londo", crud["uuid"], "#ecs is nice")
    assert tags_of(db, crud["uuid"]) == ["ecs", "fargate"]
    assert tags_of(db, answer["uuid"]) == ["ecs"]


def test_a_crud_s_tags_go_with_it(client, auth, clock, db):
    crud = post_crud(client, auth, "bayko", "#gone soon")
    with db.pool.connection() as conn:
        conn.execute("DELETE FROM activities WHERE uuid = %s", [crud["uuid"]])
        assert conn.execute("SELECT count(*) FROM crud_tags").fetchone()[0] == 0


def test_a_search_for_one_tag_finds_the_live_cruds_carrying_it_newest_first(client, auth, clock):
    first = post_crud(client, auth, "bayko", "Learning #Fargate today", "1-hour")
    clock.now += timedelta(seconds=1)
    post_crud(client, auth, "londo", "fargate without the hash")  # the word alone is no tag
    post_crud(client, auth, "londo", "all about #fargates")
    clock.now += timedelta(seconds=1)
    second = reply(client, auth, "andrewbrown", first["uuid"], "me too #fargate")
    for term in ("%23fargate", "%23FARGATE", "%20%23Fargate%20"):
        r = client.get(f"/api/activities/search?term={term}")
        assert r.status_code == 200
        assert [a["uuid"] for a in r.json["items"]] == [second["uuid"], first["uuid"]], term
    clock.now += timedelta(hours=1)  # both expire: the crud, and the reply with it
    assert client.get("/api/activities/search?term=%23fargate").json["items"] == []


def test_a_tag_search_pages_without_gaps_or_repeats(client, auth, clock):
    made = []
    for i in range(7):
        made.append(post_crud(client, auth, ("bayko", "londo")[i % 2], f"number {i} #paged")["uuid"])
        if i % 3:
            clock.now += timedelta(seconds=1)  # some share a timestamp: the uuid breaks the tie
    seen, cursor = [], ""
    while True:
        r = client.get(f"/api/activities/search?term=%23paged&limit=2&cursor={cursor}")
        assert r.status_code == 200 and len(r.json["items"]) <= 2
        seen += [a["uuid"] for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 7


@pytest.mark.parametrize("term", ["%23fargate%20tasks", "%23fargate%20%23ecs", "%231"])
def test_a_term_that_is_more_than_one_tag_is_searched_as_words(client, auth, clock, term):
    hit = post_crud(client, auth, "bayko", "#Fargate tasks on #ECS, number 1")
    assert [a["uuid"] for a in client.get(f"/api/activities/search?term={term}").json["items"]] == [hit["uuid"]]


def test_trending_counts_the_last_days_tags_among_live_cruds_by_people_then_cruds(client, auth, clock):
    assert client.get("/api/tags/trending").json == {"items": []}
    post_crud(client, auth, "bayko", "#old news")
    clock.now += timedelta(hours=25)
    for handle, text in (("bayko", "#spam"), ("bayko", "#spam"), ("bayko", "#spam #shared"),
                         ("londo", "#shared"), ("andrewbrown", "#Shared #brief")):
        post_crud(client, auth, handle, text, "1-hour" if "brief" in text else "1-day")
    r = client.get("/api/tags/trending")
    assert r.status_code == 200
    assert r.json["items"] == [{"tag": "shared", "people": 3, "cruds": 3}, {"tag": "spam", "people": 1, "cruds": 3},
                               {"tag": "brief", "people": 1, "cruds": 1}]
    clock.now += timedelta(hours=2)  # the crud tagged #brief has expired, and one #shared with it
    assert client.get("/api/tags/trending").json["items"] == [
        {"tag": "shared", "people": 2, "cruds": 2}, {"tag": "spam", "people": 1, "cruds": 3}]


def test_trending_shows_the_ten_most_used(client, auth, clock, db):
    with db.pool.connection() as conn:
        author = conn.execute("INSERT INTO users (handle, display_name, email) "
                              "VALUES ('tagger', 'Tagger', 'tagger@cruddur.example') RETURNING uuid").fetchone()[0]
        conn.execute("INSERT INTO activities (user_uuid, message, expires_at, created_at) "
                     "SELECT %s, '#t' || n || ' #t' || (n / 2), %s + interval '1 day', %s "
                     "FROM generate_series(1, 30) AS n", [author, clock.now, clock.now])
    items = client.get("/api/tags/trending").json["items"]
    assert len(items) == 10 and items[0] == {"tag": "t1", "people": 1, "cruds": 3}


def test_the_live_cruds_written_before_tags_existed_get_theirs(new_database, tmp_path):
    url = new_database("cruddur_tags_backfill")
    for path in sorted(migrations.MIGRATIONS_DIR.glob("*.sql")):
        if path.name < "0006":
            (tmp_path / path.name).write_text(path.read_text())
    migrations.migrate(url, folder=tmp_path)
    with psycopg.connect(url, autocommit=True) as conn:
        author = conn.execute("INSERT INTO users (handle, display_name, email) "
                              "VALUES ('bayko', 'Bayko', 'bayko@example.com') RETURNING uuid").fetchone()[0]
        live, _expired = (conn.execute("INSERT INTO activities (user_uuid, message, expires_at) "
                                       "VALUES (%s, %s, now() + %s::interval) RETURNING uuid",
                                       [author, text, ttl]).fetchone()[0]
                          for text, ttl in (("#Cloud and #ECS", "1 day"), ("#gone", "-1 hour")))

    migrations.migrate(url)

    with psycopg.connect(url) as conn:
        assert set(conn.execute("SELECT tag, activity_uuid, user_uuid FROM crud_tags")) == {
            ("cloud", live, author), ("ecs", live, author)}
