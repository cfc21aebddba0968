"""Per-person write budgets: over budget → 429 with Retry-After in the API's error shape, nothing written,
and one more fits as time passes; the budget is one per person, whatever the number of workers."""
import threading
from datetime import timedelta

import pytest

from cruddur.budgets import BUDGETS


def crud(client, auth, handle="bayko", message="hello"):
    return client.post("/api/activities", json={"message": message, "ttl": "1-day"}, headers=auth.headers(handle))


def count_cruds(db) -> int:
    with db.pool.connection() as conn:
        return conn.execute("SELECT count(*) FROM activities").fetchone()[0]


def test_over_budget_a_crud_is_refused_with_retry_after_and_nothing_is_written(client, auth, clock, db):
    budget = BUDGETS["crud"]
    for i in range(budget.count):
        assert crud(client, auth, message=f"crud {i}").status_code == 201
    refused = crud(client, auth, message="one too many")
    assert refused.status_code == 429
    wait = budget.period.total_seconds() / budget.count
    assert refused.headers["Retry-After"] == str(int(wait))
    assert refused.json == {"error": {"code": "rate_limited", "message": (
        f"Too many cruds: {budget.count} per 10 minutes. Try again in {int(wait)} seconds.")}}
    assert count_cruds(db) == budget.count
    clock.now += timedelta(seconds=wait - 1)
    assert crud(client, auth).status_code == 429
    clock.now += timedelta(seconds=1)
    assert crud(client, auth).status_code == 201, "one more fits once its share of the period has passed"
    assert crud(client, auth).status_code == 429


def test_each_person_has_their_own_budget(client, auth, clock):
    for _ in range(BUDGETS["crud"].count):
        crud(client, auth, "bayko")
    assert crud(client, auth, "bayko").status_code == 429
    assert crud(client, auth, "londo").status_code == 201


def test_concurrent_writes_spend_one_budget(app, auth, clock, db):
    """Eight threads at once (as eight workers would): exactly the budget gets through."""
    budget, answers = BUDGETS["crud"], []

    def post():
        with app.test_client() as own:
            for _ in range(5):
                answers.append(crud(own, auth).status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert (answers.count(201), answers.count(429)) == (budget.count, 40 - budget.count)
    assert count_cruds(db) == budget.count


def test_replies_and_profile_updates_have_budgets_of_their_own(client, auth, clock):
    parent = crud(client, auth, "londo").json
    for _ in range(BUDGETS["reply"].count):
        assert client.post(f"/api/activities/{parent['uuid']}/reply", json={"message": "hi"},
                           headers=auth.headers("bayko")).status_code == 201
    over = client.post(f"/api/activities/{parent['uuid']}/reply", json={"message": "hi"},
                       headers=auth.headers("bayko"))
    assert (over.status_code, over.json["error"]["code"]) == (429, "rate_limited")
    assert crud(client, auth, "bayko").status_code == 201, "replying spent nothing of the crud budget"
    for _ in range(BUDGETS["profile"].count):
        assert client.post("/api/profile/update", json={"bio": "x"}, headers=auth.headers("bayko")).status_code == 200
    over = client.post("/api/profile/update", json={"bio": "y"}, headers=auth.headers("bayko"))
    assert over.status_code == 429 and "Too many profile updates: 10 per 1 hour." in over.json["error"]["message"]
    assert client.get("/api/activities/@bayko").json["profile"]["bio"] == "x"


def test_invalid_writes_spend_nothing(client, auth, clock):
    for _ in range(BUDGETS["crud"].count + 5):
        assert crud(client, auth, message=" ").status_code == 400
    assert crud(client, auth).status_code == 201


@pytest.mark.parametrize("action", sorted(BUDGETS))
def test_every_budget_allows_a_burst_and_a_steady_rate(action):
    budget = BUDGETS[action]
    assert budget.count >= 10 and budget.period >= timedelta(minutes=10)
