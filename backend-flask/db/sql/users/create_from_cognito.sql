-- A user row from Cognito attributes; nothing when the sub or the handle already has one (a request
-- racing us may have created it first).
INSERT INTO users (cognito_user_id, handle, display_name, email)
VALUES (%(sub)s, %(handle)s, %(display_name)s, %(email)s)
ON CONFLICT DO NOTHING
