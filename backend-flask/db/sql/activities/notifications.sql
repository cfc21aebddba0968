-- What the user should hear about, newest first: others' live replies to their cruds ("reply") and
-- others' live cruds naming @them ("mention"); a reply that also names them is a reply.
-- Each kind is read through its own index (their cruds, then the replies to each; the trigram index for
-- the @handle), so the cost follows how much news they have, not how many cruds there are: one OR over
-- both would leave PostgreSQL no index to use. Handles are [A-Za-z0-9_] only, so safe inside the regex.
-- The cursor is a row comparison with sentinels (no cursor = before everything), as in activities/home.sql:
-- the replies' index can seek to it.
SELECT * FROM (
  (SELECT v.*, 'reply' AS reason
   FROM activities mine
   JOIN activity_view v ON v.reply_to_activity_uuid = mine.uuid
   WHERE mine.user_uuid = %(user_uuid)s
     AND v.user_uuid <> %(user_uuid)s
     AND v.expires_at > %(now)s
     AND (v.created_at, v.uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                   COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
  UNION ALL
  (SELECT v.*, 'mention' AS reason
   FROM activity_view v
   WHERE v.message ~* ('(^|[^A-Za-z0-9_])@' || %(handle)s || '($|[^A-Za-z0-9_])')
     AND v.user_uuid <> %(user_uuid)s
     AND v.expires_at > %(now)s
     AND (v.created_at, v.uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                   COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
     AND NOT EXISTS (SELECT FROM activities parent
                     WHERE parent.uuid = v.reply_to_activity_uuid AND parent.user_uuid = %(user_uuid)s))
) news
ORDER BY created_at DESC, uuid DESC
LIMIT %(limit)s
