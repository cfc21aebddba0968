-- How many live top-level cruds the home feed has above the one the reader's page starts with (`after`, a
-- crud uuid; none: above nothing, so every live crud), counting up to a ceiling: the web app's "3 new cruds"
-- bar needs the number, not the rows. The crud's position is looked up first, so the count is one seek of
-- activities_home_idx to it, read upwards; an unknown `after` sits above everything and counts nothing. Kept
-- apart from home.sql, which other features reshape: it only has to agree with home.sql on which cruds the
-- feed shows and in what order.
SELECT count(*) AS count FROM (
  SELECT 1 FROM activities
  WHERE reply_to_activity_uuid IS NULL
    AND expires_at > %(now)s
    AND (created_at, uuid) > (COALESCE((SELECT created_at FROM activities WHERE uuid = %(after)s::uuid),
                                       CASE WHEN %(after)s::uuid IS NULL THEN '-infinity' ELSE 'infinity' END::timestamptz),
                              COALESCE(%(after)s::uuid, '00000000-0000-0000-0000-000000000000'))
  -- the order is the index's (read backwards from the crud): with it the planner walks the index and
  -- stops at the ceiling rather than guess how many rows lie above an unknown position and scan them all
  ORDER BY created_at, uuid
  LIMIT {{count_ceiling}}
) above
