-- The home feed: live top-level cruds and reposts, newest first, one page after the cursor (if any). A crud
-- shows once: at its latest repost ("reposted by" its reposter), or where it was posted if nobody reposted
-- it; each entry's place is (feed_at, feed_uuid), the crud's own or the repost's.
-- Written so PostgreSQL can plan it once per connection and reuse the plan: the cursor is a row comparison
-- the index can seek to (no cursor = before everything), and the page size, a parameter, sits outside a
-- fixed ceiling (the largest page plus one: cruddur.paging.SQL_CEILING, written into the text when the file
-- is read), because a parameter LIMIT makes a reusable plan look costly and PostgreSQL would otherwise plan
-- every request anew. Each half walks its own index newest first and stops at the ceiling; a repost carries
-- its crud's expiry, so that expired ones are skipped on the index's rows, before any join. Each row is the
-- entry's place and its JSON (fragments/crud_columns.sql), built only for the page's rows.
SELECT feed_at, feed_uuid, row_to_json(c)::text AS item
FROM (SELECT * FROM (
  (SELECT v.*, v.created_at AS feed_at, v.uuid AS feed_uuid,
          NULL::text AS reposted_by_handle, NULL::text AS reposted_by_display_name
   FROM activity_view v
   WHERE v.reply_to_activity_uuid IS NULL
     AND v.reposts_count = 0
     AND v.expires_at > %(now)s
     AND (v.created_at, v.uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                   COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
   ORDER BY v.created_at DESC, v.uuid DESC
   LIMIT {{page_ceiling}})
  UNION ALL
  (SELECT v.*, r.created_at, r.uuid, reposter.handle, reposter.display_name
   FROM reactions r
   JOIN activity_view v ON v.uuid = r.activity_uuid
   JOIN users reposter ON reposter.uuid = r.user_uuid
   WHERE r.kind = 'repost'
     AND r.expires_at > %(now)s
     AND (r.created_at, r.uuid) < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
                                   COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
     AND NOT EXISTS (SELECT FROM reactions later
                     WHERE later.activity_uuid = r.activity_uuid AND later.kind = 'repost'
                       AND (later.created_at, later.uuid) > (r.created_at, r.uuid))
   ORDER BY r.created_at DESC, r.uuid DESC
   LIMIT {{page_ceiling}})
) entries
ORDER BY feed_at DESC, feed_uuid DESC
LIMIT %(limit)s) v,
LATERAL (SELECT {{crud_columns}},
                CASE WHEN reposted_by_handle IS NOT NULL
                THEN json_build_object('handle', reposted_by_handle, 'display_name', reposted_by_display_name) END
                AS reposted_by,
                {{viewer_marks}}) c
ORDER BY feed_at DESC, feed_uuid DESC
