-- How many entries the home feed has above the one the reader's page starts with (`after`, a crud uuid; none:
-- above nothing, so every live entry), counting up to a ceiling: the web app's "3 new cruds" bar needs the
-- number, not the rows. An entry is what home.sql shows: a live top-level crud nobody reposted, at its own
-- place, or a reposted one once, at its latest repost. `after`'s place is its entry's as the feed stands now
-- (its latest repost, or where it was posted); an unknown `after` sits above everything and counts nothing.
-- Each half then seeks its own index to that place and reads upwards, in the index's order, so it stops at the
-- ceiling rather than scan all that lies above an unknown position. Kept apart from home.sql: it only has to
-- agree with it on which entries the feed shows and in what order (tests/test_live.py, test_query_plans_live.py).
WITH shown AS (
  SELECT COALESCE(latest.created_at, a.created_at) AS at, COALESCE(latest.uuid, a.uuid) AS id
  FROM activities a
  LEFT JOIN LATERAL (SELECT r.created_at, r.uuid FROM reactions r
                     WHERE r.activity_uuid = a.uuid AND r.kind = 'repost'
                     ORDER BY r.created_at DESC, r.uuid DESC
                     LIMIT 1) latest ON true
  WHERE a.uuid = %(after)s::uuid
), place AS (
  SELECT COALESCE((SELECT at FROM shown),
                  CASE WHEN %(after)s::uuid IS NULL THEN '-infinity' ELSE 'infinity' END::timestamptz) AS at,
         COALESCE((SELECT id FROM shown), '00000000-0000-0000-0000-000000000000'::uuid) AS id
)
SELECT least(count(*), {{count_ceiling}}) AS count FROM (
  (SELECT 1 FROM activities
   WHERE reply_to_activity_uuid IS NULL
     AND reposts_count = 0
     AND expires_at > %(now)s
     AND (created_at, uuid) > ((SELECT at FROM place), (SELECT id FROM place))
   ORDER BY created_at, uuid
   LIMIT {{count_ceiling}})
  UNION ALL
  (SELECT 1 FROM reactions r
   WHERE r.kind = 'repost'
     AND r.expires_at > %(now)s
     AND (r.created_at, r.uuid) > ((SELECT at FROM place), (SELECT id FROM place))
     -- the crud's latest repost, looked up per repost read (a correlated subquery, not an anti join that would
     -- read every repost there is)
     AND r.uuid = (SELECT latest.uuid FROM reactions latest
                   WHERE latest.activity_uuid = r.activity_uuid AND latest.kind = 'repost'
                   ORDER BY latest.created_at DESC, latest.uuid DESC
                   LIMIT 1)
   ORDER BY r.created_at, r.uuid
   LIMIT {{count_ceiling}})
) above
