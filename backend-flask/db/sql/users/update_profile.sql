-- Change the caller's own name and bio (the row is chosen by the verified sub only).
UPDATE users SET display_name = %(display_name)s, bio = %(bio)s
WHERE cognito_user_id = %(sub)s
RETURNING handle
