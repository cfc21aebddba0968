-- The members of conversations, for display: uuid, handle, display_name, avatar_url of each user in %(uuids)s.
SELECT uuid, handle, display_name, avatar_url
FROM users
WHERE uuid = ANY(%(uuids)s::uuid[]);
