-- The live replies to one crud, oldest first (a conversation reads top to bottom).
SELECT * FROM activity_view
WHERE reply_to_activity_uuid = %(uuid)s AND expires_at > %(now)s
ORDER BY created_at, uuid
LIMIT %(limit)s
