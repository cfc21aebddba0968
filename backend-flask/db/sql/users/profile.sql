-- A user's public profile by handle (any case).
SELECT {{profile_columns}}
FROM users u
WHERE lower(u.handle) = lower(%(handle)s)
