-- How many of the person's live notifications came after they last opened their notifications
-- (users.notifications_seen_at; never opened: all of them), counting up to a ceiling. One range of
-- notifications_feed_idx, newest first, stopping at the mark.
SELECT count(*) AS count FROM (
  SELECT 1
  FROM notifications n
  JOIN activities a ON a.uuid = n.activity_uuid
  WHERE n.user_uuid = %(user_uuid)s
    AND n.created_at > COALESCE((SELECT notifications_seen_at FROM users WHERE uuid = %(user_uuid)s), '-infinity')
    AND a.expires_at > %(now)s
  LIMIT {{count_ceiling}}
) unread
