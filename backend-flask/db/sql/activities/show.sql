-- One live crud by its uuid, only under its author's handle (any case).
SELECT * FROM activity_view
WHERE uuid = %(uuid)s AND lower(handle) = lower(%(handle)s) AND expires_at > %(now)s
