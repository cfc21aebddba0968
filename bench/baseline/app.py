"""The least Flask app that answers the question GET /api/activities/home answers: Flask + psycopg_pool, one query
for the newest 20 unexpired cruds with the API's fields, the JSON built by PostgreSQL (json_agg) and passed
through as the body without Python parsing or encoding it. Nothing else: no settings, auth, error model,
logging, request ids, CORS or paging cursor. The API is measured against it (bench/README.md)."""
import os

from flask import Flask, Response
from psycopg_pool import ConnectionPool

QUERY = """
SELECT coalesce(json_agg(page), '[]')::text FROM (
  SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
         a.reply_to_activity_uuid, a.created_at, a.expires_at
  FROM activities a JOIN users u ON u.uuid = a.user_uuid
  WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
  ORDER BY a.created_at DESC, a.uuid DESC
  LIMIT 20
) page
"""

# autocommit: one round trip per query, as the API does it
pool = ConnectionPool(os.environ["CONNECTION_URL"], min_size=1, max_size=10, open=True, kwargs={"autocommit": True})
app = Flask(__name__)


@app.get("/api/activities/home")
def home():
    with pool.connection() as conn:
        (items,) = conn.execute(QUERY).fetchone()
    return Response('{"items":' + items + ',"next_cursor":null}', mimetype="application/json")
