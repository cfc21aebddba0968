-- The person's unread state as PostgreSQL knows it: how many of their live notifications came after they last
-- opened their notifications (users.notifications_seen_at; never opened: all of them), counted up to a
-- ceiling along one range of notifications_feed_idx, and the version of their messages (users.messages_version).
SELECT (SELECT count(*) FROM (
          SELECT 1
          FROM notifications n
          JOIN activities a ON a.uuid = n.activity_uuid
          WHERE n.user_uuid = u.uuid
            AND n.created_at > COALESCE(u.notifications_seen_at, '-infinity')
            AND a.expires_at > %(now)s
          LIMIT {{count_ceiling}}
        ) unread) AS notifications,
       u.messages_version
FROM users u
WHERE u.uuid = %(user_uuid)s
