-- What the person should hear about, newest first: others' live replies to their cruds ("reply"), others'
-- live cruds naming @them ("mention"), as recorded in notifications when each crud was written (migration
-- 0003; a reply that also names them is a reply), and others' likes and reposts of their live cruds ("like",
-- "repost", migration 0005), each with who did it (actor_*: a reply's or mention's own author). Each one's
-- place is (feed_at, feed_uuid); one range of notifications_feed_key, sought to the cursor.
-- The person is %(user_uuid)s, the users row the caller's Cognito sub %(viewer_sub)s was last seen to name
-- (cruddur.services.users.remembered_uuid), and the statement checks that it still does: a pair that no longer
-- holds answers nothing. Named by uuid rather than found by sub in the statement, so that PostgreSQL plans the
-- walk for that very person: for a reader it does not know, a deep page of a much-notified person was planned
-- as a bitmap scan of all their notifications and a sort (tests/test_query_plans_reads.py).
SELECT feed_at, feed_uuid,
       row_to_json(c)::text AS item FROM (
  SELECT v.*, n.reason, n.created_at AS feed_at, COALESCE(n.uuid, n.activity_uuid) AS feed_uuid,
         COALESCE(actor.handle, v.handle) AS actor_handle,
         COALESCE(actor.display_name, v.display_name) AS actor_display_name
  FROM notifications n
  JOIN activity_view v ON v.uuid = n.activity_uuid
  LEFT JOIN users actor ON actor.uuid = n.actor_uuid
  WHERE n.user_uuid = %(user_uuid)s
    AND EXISTS (SELECT FROM users reader WHERE reader.uuid = %(user_uuid)s AND reader.cognito_user_id = %(viewer_sub)s)
    AND v.expires_at > %(now)s
    AND (n.created_at, COALESCE(n.uuid, n.activity_uuid))
        < (COALESCE(%(cursor_at)s::timestamptz, 'infinity'),
           COALESCE(%(cursor_uuid)s::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
  ORDER BY n.created_at DESC, COALESCE(n.uuid, n.activity_uuid) DESC
  LIMIT %(limit)s
) v,
LATERAL (SELECT {{crud_columns}},
                reason, CASE WHEN actor_handle IS NOT NULL
                     THEN json_build_object('handle', actor_handle, 'display_name', actor_display_name) END AS actor, {{viewer_marks}}) c
ORDER BY feed_at DESC, feed_uuid DESC
