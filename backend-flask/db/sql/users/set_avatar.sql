-- Record a user's new avatar (the row is chosen by the caller's own users row); answers their handle.
UPDATE users SET avatar_url = %(avatar_url)s
WHERE uuid = %(uuid)s
RETURNING handle
