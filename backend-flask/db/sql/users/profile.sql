-- A user's public profile by handle (any case), with how many live cruds they have: top-level ones, as the
-- profile lists them (their replies show under the cruds they answer).
SELECT u.uuid, u.handle, u.display_name, u.bio, u.created_at, u.avatar_url,
       (SELECT count(*) FROM activities a
        WHERE a.user_uuid = u.uuid AND a.reply_to_activity_uuid IS NULL AND a.expires_at > %(now)s) AS cruds_count
FROM users u
WHERE lower(u.handle) = lower(%(handle)s)
