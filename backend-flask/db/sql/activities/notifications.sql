-- What the user should hear about, newest first: others' live replies to their cruds ("reply") and
-- others' live cruds naming @them ("mention"). Handles are [A-Za-z0-9_] only, so safe inside the regex.
SELECT v.*,
       CASE WHEN parent.user_uuid = %(user_uuid)s THEN 'reply' ELSE 'mention' END AS reason
FROM activity_view v
LEFT JOIN activities parent ON parent.uuid = v.reply_to_activity_uuid
WHERE v.user_uuid <> %(user_uuid)s
  AND v.expires_at > %(now)s
  AND (parent.user_uuid = %(user_uuid)s
       OR v.message ~* ('(^|[^A-Za-z0-9_])@' || %(handle)s || '($|[^A-Za-z0-9_])'))
  AND (%(cursor_at)s::timestamptz IS NULL OR (v.created_at, v.uuid) < (%(cursor_at)s, %(cursor_uuid)s::uuid))
ORDER BY v.created_at DESC, v.uuid DESC
LIMIT %(limit)s
