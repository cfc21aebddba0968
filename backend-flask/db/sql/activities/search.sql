-- Live cruds (replies included) matching the search words, newest first.
-- The match sits in the WHERE of the scan itself so PostgreSQL can weigh the term: a common one walks
-- activities_created_idx newest first and stops after a page, a rare one reads its few rows through
-- activities_search_idx. That choice needs the term, so unlike the feeds, search is never prepared: a plan
-- made without the term would walk every crud for a rare one. The line below tells cruddur.db so.
-- cruddur: plan every execution
-- The columns are activity_view's; the view no longer carries the search vector, so it is not used here.
SELECT v.created_at, v.uuid, row_to_json(c)::text AS item FROM (
  SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
         a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid, u.avatar_url
  FROM activities a
  JOIN users u ON u.uuid = a.user_uuid
  WHERE a.search_vector @@ websearch_to_tsquery('english', %(term)s)
    AND a.expires_at > %(now)s
    AND (a.created_at, a.uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                  COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY a.created_at DESC, a.uuid DESC
  LIMIT %(limit)s
) v,
LATERAL (SELECT {{crud_columns}}, {{viewer_marks}}) c
ORDER BY v.created_at DESC, v.uuid DESC
