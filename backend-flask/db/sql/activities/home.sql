-- The home feed: live top-level cruds, newest first, one page after the cursor (if any).
-- Written so PostgreSQL can plan it once per connection and reuse the plan: the cursor is a row comparison
-- the index can seek to (no cursor = before everything), and the page size, a parameter, sits outside a
-- fixed ceiling (the largest page plus one: cruddur.paging.SQL_CEILING, written into the text when the file
-- is read), because a parameter LIMIT makes a reusable plan look costly and PostgreSQL would otherwise plan
-- every request anew.
SELECT * FROM (
  SELECT * FROM activity_view
  WHERE reply_to_activity_uuid IS NULL
    AND expires_at > %(now)s
    AND (created_at, uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                              COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY created_at DESC, uuid DESC
  LIMIT {{page_ceiling}}
) page
ORDER BY created_at DESC, uuid DESC
LIMIT %(limit)s
