"""The least Flask app that answers the questions the API's read paths answer: Flask + psycopg_pool (and boto3 for
direct messages), each route one query for the same fields with the same rules (live cruds only, newest first,
a page of 20, replies oldest first up to 100), the JSON built by PostgreSQL (json_agg, json_build_object) and
passed through as the body without Python parsing or encoding it. Nothing else: no settings, auth, error model,
logging, request ids, CORS or paging cursor (next_cursor is always null). The API is measured against it
(bench/README.md).

Without auth, the routes the API answers for a signed-in caller take the person as a query parameter instead,
`?user=<users uuid>`: the home feed and notifications (with whether that person liked and reposted each crud)
and the message groups. A conversation is read by its uuid alone: membership is the API's access rule, not part
of the answer. The anonymous routes answer liked and reposted as false, as the API does for an anonymous reader.
The home feed is the API's: live top-level cruds and reposts, a crud once, at its latest repost (with who
reposted it). `?first-written` gives instead the feed the speed issue first described, the newest 20 cruds
without reposts, avatar_url, liked or reposted: `make bench` measures the API against that too.
For direct messages the route makes one DynamoDB query of the keys the API reads (cruddur/messages_store.py)
and hands its items, as boto3 returns them, to one PostgreSQL query that adds the people's handles and names
and builds the answer.
"""
import json
import os
import threading

from flask import Flask, Response, request
from psycopg_pool import ConnectionPool

# what every read path shows of a crud (cruddur.services.activities.FIELDS), from `activities a JOIN users u`
CRUD = """a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
          a.reply_to_activity_uuid, a.created_at, a.expires_at, u.avatar_url"""
ANONYMOUS = "false AS liked, false AS reposted"
PAGE = "json_build_object('items', coalesce(json_agg(page), '[]'), 'next_cursor', NULL)::text"

# the reader's own reactions to the crud `a`, by its key (two EXISTS were planned as a scan of every reaction)
MINE = """LEFT JOIN LATERAL (SELECT bool_or(r.kind = 'like') AS liked, bool_or(r.kind = 'repost') AS reposted
                            FROM reactions r WHERE r.user_uuid = %(user)s AND r.activity_uuid = a.uuid) mine ON true"""
MARKS = "coalesce(mine.liked, false) AS liked, coalesce(mine.reposted, false) AS reposted"

# The home feed as the API answers it: live top-level cruds and reposts, newest first, a crud once (at its
# latest repost, "reposted by" its reposter, or where it was posted if nobody reposted it).
FEED = """
WITH entries AS (
  (SELECT a.uuid, a.created_at AS feed_at, a.uuid AS feed_uuid, NULL::uuid AS reposter
   FROM activities a
   WHERE a.reply_to_activity_uuid IS NULL AND a.reposts_count = 0 AND a.expires_at > now()
   ORDER BY a.created_at DESC, a.uuid DESC LIMIT 20)
  UNION ALL
  (SELECT r.activity_uuid, r.created_at, r.uuid, r.user_uuid
   FROM reactions r
   WHERE r.kind = 'repost' AND r.expires_at > now()
     AND NOT EXISTS (SELECT FROM reactions later
                     WHERE later.activity_uuid = r.activity_uuid AND later.kind = 'repost'
                       AND (later.created_at, later.uuid) > (r.created_at, r.uuid))
   ORDER BY r.created_at DESC, r.uuid DESC LIMIT 20)
  ORDER BY feed_at DESC, feed_uuid DESC LIMIT 20)
SELECT coalesce(json_agg(page), '[]')::text FROM (
  SELECT {crud},
         CASE WHEN e.reposter IS NOT NULL
         THEN json_build_object('handle', reposter.handle, 'display_name', reposter.display_name) END AS reposted_by,
         {marks}
  FROM entries e
  JOIN activities a ON a.uuid = e.uuid JOIN users u ON u.uuid = a.user_uuid
  LEFT JOIN users reposter ON reposter.uuid = e.reposter {mine}
  ORDER BY e.feed_at DESC, e.feed_uuid DESC
) page
"""
FEED_ANONYMOUS = FEED.format(crud=CRUD, marks=ANONYMOUS, mine="")
# signed in, for the person ?user=<uuid>
FEED_AS = FEED.format(crud=CRUD, marks=MARKS, mine=MINE)
# The feed as the speed issue first described its least app, before the API's feed gained reposts, avatar_url,
# liked and reposted: the newest 20 live top-level cruds. A different question from the API's today, kept so
# that `make bench` shows the API against it too (GET /api/activities/home?first-written).
FIRST_WRITTEN = """
SELECT coalesce(json_agg(page), '[]')::text FROM (
  SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
         a.reply_to_activity_uuid, a.created_at, a.expires_at
  FROM activities a JOIN users u ON u.uuid = a.user_uuid
  WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
  ORDER BY a.created_at DESC, a.uuid DESC
  LIMIT 20
) page
"""

SHOW = f"""
SELECT json_build_object(
  'activity', (SELECT to_json(crud) FROM (
    SELECT {CRUD}, {ANONYMOUS} FROM activities a JOIN users u ON u.uuid = a.user_uuid
    WHERE a.uuid = %(uuid)s AND lower(u.handle) = lower(%(handle)s) AND a.expires_at > now()) crud),
  'replies', (SELECT coalesce(json_agg(page), '[]') FROM (
    SELECT {CRUD}, {ANONYMOUS} FROM activities a JOIN users u ON u.uuid = a.user_uuid
    WHERE a.reply_to_activity_uuid = %(uuid)s AND a.expires_at > now()
    ORDER BY a.created_at, a.uuid
    LIMIT 100) page))::text
"""

PROFILE = f"""
SELECT json_build_object(
  'profile', (SELECT to_json(person) FROM (
    SELECT u.uuid, u.handle, u.display_name, u.bio, u.created_at, u.avatar_url,
           (SELECT count(*) FROM activities a
            WHERE a.user_uuid = u.uuid AND a.reply_to_activity_uuid IS NULL AND a.expires_at > now()) AS cruds_count
    FROM users u WHERE lower(u.handle) = lower(%(handle)s)) person),
  'items', (SELECT coalesce(json_agg(page), '[]') FROM (
    SELECT {CRUD}, {ANONYMOUS} FROM activities a JOIN users u ON u.uuid = a.user_uuid
    WHERE lower(u.handle) = lower(%(handle)s) AND a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
    ORDER BY a.created_at DESC, a.uuid DESC
    LIMIT 20) page),
  'next_cursor', NULL)::text
"""

NOTIFICATIONS = f"""
SELECT {PAGE} FROM (
  SELECT {CRUD}, n.reason,
         json_build_object('handle', coalesce(actor.handle, u.handle),
                           'display_name', coalesce(actor.display_name, u.display_name)) AS actor,
         {MARKS}
  FROM notifications n
  JOIN activities a ON a.uuid = n.activity_uuid
  JOIN users u ON u.uuid = a.user_uuid
  LEFT JOIN users actor ON actor.uuid = n.actor_uuid
  {MINE}
  WHERE n.user_uuid = %(user)s AND a.expires_at > now()
  ORDER BY n.created_at DESC, coalesce(n.uuid, n.activity_uuid) DESC
  LIMIT 20
) page
"""

# The page size is a parameter for the reason db/sql/activities/search.sql gives: so that every search is
# planned for its own words, not by a reusable plan made without them.
SEARCH = f"""
SELECT {PAGE} FROM (
  SELECT {CRUD}, {ANONYMOUS} FROM activities a JOIN users u ON u.uuid = a.user_uuid
  WHERE a.search_vector @@ websearch_to_tsquery('english', %(term)s) AND a.expires_at > now()
  ORDER BY a.created_at DESC, a.uuid DESC
  LIMIT %(limit)s
) page
"""

# DynamoDB's items as boto3 returns them ({"attribute": {"S": "..."}}), in the query's order
GROUPS = """
SELECT json_build_object('items', coalesce(json_agg(json_build_object(
         'uuid', c.item->'message_group_uuid'->>'S', 'handle', u.handle,
         'display_name', coalesce(u.display_name, 'Former user'), 'avatar_url', u.avatar_url,
         'message', c.item->'last_message'->>'S', 'created_at', c.item->'last_message_at'->>'S',
         'unread', (c.item->'last_message_key'->>'S') COLLATE "C"
                   > coalesce(c.item->'seen_message_key'->>'S', '') COLLATE "C")
       ORDER BY c.n), '[]'), 'next_cursor', NULL)::text
FROM json_array_elements(%s::json) WITH ORDINALITY AS c (item, n)
LEFT JOIN users u ON u.uuid = (c.item->'other_user_uuid'->>'S')::uuid
"""

# newest first from DynamoDB, shown oldest first
MESSAGES = """
SELECT json_build_object('items', coalesce(json_agg(json_build_object(
         'uuid', m.item->'message_uuid'->>'S', 'handle', u.handle,
         'display_name', coalesce(u.display_name, 'Former user'), 'avatar_url', u.avatar_url,
         'message', m.item->'message'->>'S', 'created_at', m.item->'created_at'->>'S')
       ORDER BY m.n DESC), '[]'), 'next_cursor', NULL)::text
FROM json_array_elements(%s::json) WITH ORDINALITY AS m (item, n)
LEFT JOIN users u ON u.uuid = (m.item->'sender_user_uuid'->>'S')::uuid
"""

# autocommit: one round trip per query, as the API does it
# opened in the worker that serves, as the API's is: gunicorn.conf.py builds the app in gunicorn's master and forks
# the workers from it (preload_app), and a pool opened there would hand both workers the same connection
pool = ConnectionPool(os.environ["CONNECTION_URL"], min_size=1, max_size=10, open=False, kwargs={"autocommit": True})
_opening = threading.Lock()


def connection():
    if pool.closed:
        with _opening:
            if pool.closed:
                pool.open(wait=False)
    return pool.connection()
# boto3 loads with the first message route, not at start: the feed's least app never needed it, and its start
# and memory are what the API's are measured against
_dynamodb = []
TABLE = os.environ.get("DDB_MESSAGE_TABLE", "cruddur-messages")
app = Flask(__name__)


def answer(query: str, params) -> Response:
    with connection() as conn:
        (body,) = conn.execute(query, params).fetchone()
    return Response(body, mimetype="application/json")


def newest(pk: str, **index) -> str:
    """A page of the items under `pk`, newest first, as one JSON text for PostgreSQL."""
    if not _dynamodb:
        import boto3
        # region, endpoint and credentials from the environment, as the API's are; two threads racing here
        # make two clients, and both work
        _dynamodb.append(boto3.client("dynamodb"))
    found = _dynamodb[0].query(TableName=TABLE, ConsistentRead=True, ScanIndexForward=False, Limit=20,
                           KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, **index)
    return json.dumps(found["Items"])


@app.get("/api/health-check")
def liveness():
    return Response('{"success":true}', mimetype="application/json")


@app.get("/api/activities/home")
def home():
    if "first-written" in request.args:
        query, params = FIRST_WRITTEN, None
    elif "user" in request.args:
        query, params = FEED_AS, {"user": request.args["user"]}
    else:
        query, params = FEED_ANONYMOUS, None
    with connection() as conn:
        (items,) = conn.execute(query, params).fetchone()
    return Response('{"items":' + items + ',"next_cursor":null}', mimetype="application/json")


@app.get("/api/activities/@<handle>/status/<activity_uuid>")
def show(handle, activity_uuid):
    return answer(SHOW, {"handle": handle, "uuid": activity_uuid})


@app.get("/api/activities/@<handle>")
def profile(handle):
    return answer(PROFILE, {"handle": handle})


@app.get("/api/activities/notifications")
def notifications():
    return answer(NOTIFICATIONS, {"user": request.args["user"]})


@app.get("/api/activities/search")
def search():
    return answer(SEARCH, {"term": request.args["term"], "limit": 20})


@app.get("/api/message_groups")
def message_groups():
    return answer(GROUPS, [newest("USER#" + request.args["user"], IndexName="conversations-by-recency")])


@app.get("/api/messages/<group_uuid>")
def conversation(group_uuid):
    return answer(MESSAGES, [newest("GROUP#" + group_uuid)])
