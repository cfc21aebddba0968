-- One person's live top-level cruds, newest first, one page after the cursor (if any).
-- Shaped like activities/home.sql so its plan is reused: see the note there.
SELECT v.created_at, v.uuid, row_to_json(c)::text AS item FROM (
  SELECT * FROM activity_view
  WHERE user_uuid = %(user_uuid)s
    AND reply_to_activity_uuid IS NULL
    AND expires_at > %(now)s
    AND (created_at, uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                              COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY created_at DESC, uuid DESC
  LIMIT {{page_ceiling}}
) v,
LATERAL (SELECT {{crud_columns}}, {{viewer_marks}}) c
ORDER BY v.created_at DESC, v.uuid DESC
LIMIT %(limit)s
