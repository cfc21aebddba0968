-- The view as 0002 left it (a view cannot lose a column in place), then the column; the avatars in S3 stay.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
DROP VIEW activity_view;
CREATE VIEW activity_view AS
SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
       a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid
FROM activities a
JOIN users u ON u.uuid = a.user_uuid;
ALTER TABLE users DROP COLUMN avatar_url;
