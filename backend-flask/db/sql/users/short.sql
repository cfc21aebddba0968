-- Just enough of a user to show in a header or a message list.
SELECT uuid, handle, display_name, avatar_url FROM users WHERE lower(handle) = lower(%(handle)s)
