-- Live cruds (replies included) matching the search words, newest first.
SELECT * FROM activity_view
WHERE uuid IN (SELECT uuid FROM activities WHERE search_vector @@ websearch_to_tsquery('english', %(term)s))
  AND expires_at > %(now)s
  AND (%(cursor_at)s::timestamptz IS NULL OR (created_at, uuid) < (%(cursor_at)s, %(cursor_uuid)s::uuid))
ORDER BY created_at DESC, uuid DESC
LIMIT %(limit)s
