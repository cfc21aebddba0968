"""The baseline the API is measured against: the least Flask + psycopg app that answers the same
question as GET /api/activities/home (one query, the same join, the same page size), with nothing
else — no settings, auth, error model, logging or paging cursor."""
import os

from flask import Flask
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

QUERY = """
SELECT a.uuid::text, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count,
       a.likes_count, a.reply_to_activity_uuid::text, a.created_at, a.expires_at
FROM activities a JOIN users u ON u.uuid = a.user_uuid
WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
ORDER BY a.created_at DESC, a.uuid DESC
LIMIT 20
"""

pool = ConnectionPool(os.environ["CONNECTION_URL"], min_size=1, max_size=10, open=True)
app = Flask(__name__)


@app.get("/api/activities/home")
def home():
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        return {"items": cur.execute(QUERY).fetchall(), "next_cursor": None}
