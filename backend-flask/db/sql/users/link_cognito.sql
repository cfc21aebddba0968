-- Link a user (by handle, any case) to a Cognito sub.
UPDATE users SET cognito_user_id = %(sub)s
WHERE lower(handle) = lower(%(handle)s)
RETURNING handle
