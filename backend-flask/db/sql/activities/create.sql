-- A new top-level crud by the given user, shaped as the feeds show it. (Rows a CTE inserts are not
-- visible to activity_view in the same statement, hence the join on RETURNING.)
WITH created AS (
  INSERT INTO activities (user_uuid, message, expires_at, created_at)
  VALUES (%(user_uuid)s, %(message)s, %(expires_at)s, %(now)s)
  RETURNING *
)
-- nobody has liked or reposted it yet
SELECT row_to_json(c)::text AS item
FROM (SELECT c.uuid, u.handle, u.display_name, c.message, c.replies_count, c.reposts_count, c.likes_count,
             c.reply_to_activity_uuid, c.created_at, c.expires_at, u.avatar_url
      FROM created c JOIN users u ON u.uuid = c.user_uuid) v,
     LATERAL (SELECT {{crud_columns}}, false AS liked, false AS reposted) c
