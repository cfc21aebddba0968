-- What the person should hear about, newest first: others' live replies to their cruds ("reply") and others'
-- live cruds naming @them ("mention"), as recorded in notifications when each crud was written (migration
-- 0003); a reply that also names them is a reply. One range of notifications_feed_idx, sought to the cursor.
SELECT v.*, n.reason
FROM notifications n
JOIN activity_view v ON v.uuid = n.activity_uuid
WHERE n.user_uuid = %(user_uuid)s
  AND v.expires_at > %(now)s
  AND (n.created_at, n.activity_uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                         COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
ORDER BY n.created_at DESC, n.activity_uuid DESC
LIMIT %(limit)s
