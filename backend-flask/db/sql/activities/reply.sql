-- A reply to a live crud, counted on the parent in the same statement (the UPDATE's row lock makes
-- concurrent replies count correctly); no row if the parent is missing or expired. A reply lives as
-- long as its parent.
WITH parent AS (
  UPDATE activities SET replies_count = replies_count + 1
  WHERE uuid = %(parent_uuid)s AND expires_at > %(now)s
  RETURNING uuid, expires_at
), created AS (
  INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at, created_at)
  SELECT %(user_uuid)s, %(message)s, parent.uuid, parent.expires_at, %(now)s FROM parent
  RETURNING *
)
-- nobody has liked or reposted it yet
SELECT row_to_json(c)::text AS item
FROM (SELECT c.uuid, u.handle, u.display_name, c.message, c.replies_count, c.reposts_count, c.likes_count,
             c.reply_to_activity_uuid, c.created_at, c.expires_at, u.avatar_url
      FROM created c JOIN users u ON u.uuid = c.user_uuid) v,
     LATERAL (SELECT {{crud_columns}}, false AS liked, false AS reposted) c
