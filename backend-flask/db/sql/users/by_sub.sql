-- The user linked to a Cognito sub.
SELECT uuid, handle, display_name, bio, email, created_at, avatar_url FROM users WHERE cognito_user_id = %(sub)s
