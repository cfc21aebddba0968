-- The members of conversations, for display: uuid, handle, display_name of each user in %(uuids)s.
SELECT uuid, handle, display_name
FROM users
WHERE uuid = ANY(%(uuids)s::uuid[]);
