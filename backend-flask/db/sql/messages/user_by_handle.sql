-- The user a handle names, whatever its case: uuid, handle, display_name; no row when nobody has it.
SELECT uuid, handle, display_name
FROM users
WHERE lower(handle) = lower(%(handle)s);
