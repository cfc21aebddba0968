"""Small journeys the route tests share."""
from jose import jwt


def post_crud(client, auth, handle: str, message: str = "hello cruddur", ttl: str = "1-day") -> dict:
    r = client.post("/api/activities", json={"message": message, "ttl": ttl}, headers=auth.headers(handle))
    assert r.status_code == 201, r.json
    return r.json


def reply(client, auth, handle: str, parent_uuid: str, message: str = "a reply") -> dict:
    r = client.post(f"/api/activities/{parent_uuid}/reply", json={"message": message},
                    headers=auth.headers(handle))
    assert r.status_code == 201, r.json
    return r.json


def sub_of(auth, handle: str) -> str:
    """The Cognito sub in a demo user's access token (read, not verified: the emulator issued it)."""
    return jwt.get_unverified_claims(auth.sign_in(handle)["AccessToken"])["sub"]


def written_rows(db) -> dict[str, int]:
    """How many rows each data table holds: what a refused request must leave as it was."""
    from conftest import DATA_TABLES
    with db.pool.connection() as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}
