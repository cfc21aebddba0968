-- The person takes back their like or repost (%(kind)s) of a live crud, with its count and its notification,
-- in one statement (the counterpart of reactions/add.sql); taking back what is not there changes nothing.
-- No row back: the crud is missing or expired.
WITH target AS (
  SELECT uuid, likes_count, reposts_count FROM activities
  WHERE uuid = %(activity_uuid)s AND expires_at > %(now)s
), removed AS (
  DELETE FROM reactions
  WHERE user_uuid = %(user_uuid)s AND activity_uuid IN (SELECT uuid FROM target) AND kind = %(kind)s
  RETURNING activity_uuid, uuid
), counted AS (
  UPDATE activities
  SET likes_count = likes_count - (%(kind)s = 'like')::int, reposts_count = reposts_count - (%(kind)s = 'repost')::int
  WHERE uuid IN (SELECT activity_uuid FROM removed)
  RETURNING likes_count, reposts_count
), unnotified AS (
  DELETE FROM notifications n USING removed
  WHERE n.activity_uuid = removed.activity_uuid AND n.uuid = removed.uuid
)
SELECT COALESCE(counted.likes_count, target.likes_count) AS likes_count,
       COALESCE(counted.reposts_count, target.reposts_count) AS reposts_count
FROM target LEFT JOIN counted ON true
