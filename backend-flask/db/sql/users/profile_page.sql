-- A profile page in one statement: the person by handle (any case), as the JSON of their profile
-- (fragments/profile_columns.sql) on every row, beside one page of their live top-level cruds, newest first,
-- after the cursor (if any). A person without such cruds is one row whose page columns are NULL; nobody by
-- that handle is no row.
-- The page is shaped like activities/home.sql so its plan is reused: see the note there.
-- The person is MATERIALIZED: pulled up into the join, their JSON (and its count of cruds) was written again
-- for every row of the page.
WITH p AS MATERIALIZED (
  SELECT u.uuid AS user_uuid, row_to_json(person)::text AS profile
  FROM users u, LATERAL (SELECT {{profile_columns}}) person
  WHERE lower(u.handle) = lower(%(handle)s))
SELECT p.profile, page.created_at, page.uuid, page.item
FROM p LEFT JOIN LATERAL (
  SELECT v.created_at, v.uuid, row_to_json(c)::text AS item FROM (
    SELECT * FROM activity_view
    WHERE user_uuid = p.user_uuid
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
) page ON true
ORDER BY page.created_at DESC, page.uuid DESC
