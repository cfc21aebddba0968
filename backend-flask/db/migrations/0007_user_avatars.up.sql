-- Avatars: each user's picture, as the public URL of the WebP the API made (cruddur/services/avatars.py);
-- null until they upload one, and the web app draws their initials instead. Nullable with no default, so
-- adding it rewrites nothing and the running version's inserts, which do not name it, still succeed.
-- activity_view gains it as its last column (CREATE OR REPLACE VIEW may only add columns at the end), so
-- every feed shows each crud's author's picture, and the running version's SELECT * finds what it knew.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE users ADD COLUMN avatar_url text;
CREATE OR REPLACE VIEW activity_view AS
SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
       a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid, u.avatar_url
FROM activities a
JOIN users u ON u.uuid = a.user_uuid;
