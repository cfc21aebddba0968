-- The home feed: live top-level cruds, newest first, one page after the cursor (if any).
SELECT * FROM activity_view
WHERE reply_to_activity_uuid IS NULL
  AND expires_at > %(now)s
  AND (%(cursor_at)s::timestamptz IS NULL OR (created_at, uuid) < (%(cursor_at)s, %(cursor_uuid)s::uuid))
ORDER BY created_at DESC, uuid DESC
LIMIT %(limit)s
