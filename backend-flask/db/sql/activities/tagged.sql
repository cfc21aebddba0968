-- Live cruds (replies included) carrying one tag, newest first, one page after the cursor (if any): one range
-- of crud_tags_feed_idx sought to the cursor, expired cruds skipped inside the index, the page's cruds then
-- read by their keys. Whether PostgreSQL plans it per tag or reuses one plan, both are that seek
-- (tests/test_query_plans_tags.py).
SELECT feed_at, feed_uuid, row_to_json(c)::text AS item FROM (
  SELECT v.*, t.created_at AS feed_at, t.activity_uuid AS feed_uuid
  FROM crud_tags t
  JOIN activity_view v ON v.uuid = t.activity_uuid
  WHERE t.tag = %(tag)s
    AND t.expires_at > %(now)s
    AND (t.created_at, t.activity_uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                           COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY t.created_at DESC, t.activity_uuid DESC
  LIMIT %(limit)s
) v,
LATERAL (SELECT {{crud_columns}}, {{viewer_marks}}) c
ORDER BY feed_at DESC, feed_uuid DESC
