DROP VIEW activity_view;
CREATE VIEW activity_view AS
SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
       a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid, a.search_vector
FROM activities a
JOIN users u ON u.uuid = a.user_uuid;
