-- A user's public profile by handle (any case), with how many live cruds they have.
SELECT u.uuid, u.handle, u.display_name, u.bio, u.created_at,
       (SELECT count(*) FROM activities a WHERE a.user_uuid = u.uuid AND a.expires_at > %(now)s) AS cruds_count
FROM users u
WHERE lower(u.handle) = lower(%(handle)s)
