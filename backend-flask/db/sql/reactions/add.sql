-- The person likes or reposts (%(kind)s) a live crud: once per person, crud and kind (doing it again changes
-- nothing), counted on the crud and told to its author (never to themselves) in the same statement. The
-- UPDATE's row lock on the crud makes concurrent reactions count one after the other, and the count only
-- moves with a row written. No row back: the crud is missing or expired.
WITH target AS (
  SELECT uuid, user_uuid, likes_count, reposts_count, expires_at FROM activities
  WHERE uuid = %(activity_uuid)s AND expires_at > %(now)s
), added AS (
  INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at)
  SELECT %(user_uuid)s, uuid, %(kind)s, %(now)s, expires_at FROM target
  ON CONFLICT DO NOTHING
  RETURNING activity_uuid, uuid
), counted AS (
  UPDATE activities
  SET likes_count = likes_count + (%(kind)s = 'like')::int, reposts_count = reposts_count + (%(kind)s = 'repost')::int
  WHERE uuid IN (SELECT activity_uuid FROM added)
  RETURNING likes_count, reposts_count
), notified AS (
  INSERT INTO notifications (user_uuid, activity_uuid, reason, created_at, actor_uuid, uuid)
  SELECT target.user_uuid, target.uuid, %(kind)s, %(now)s, %(user_uuid)s, added.uuid
  FROM target JOIN added ON added.activity_uuid = target.uuid
  WHERE target.user_uuid <> %(user_uuid)s
)
SELECT COALESCE(counted.likes_count, target.likes_count) AS likes_count,
       COALESCE(counted.reposts_count, target.reposts_count) AS reposts_count
FROM target LEFT JOIN counted ON true
