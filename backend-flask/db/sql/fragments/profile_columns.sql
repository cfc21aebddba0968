-- A person's public profile, for `u`, a row of users: the one definition of the object's fields and their
-- order (the OpenAPI document's Profile), for PostgreSQL to write as JSON (row_to_json, users/profile_page.sql)
-- or to hand over as columns (users/profile.sql). The time is written as the API writes every time (UTC,
-- milliseconds, Z; tests/test_sql_json.py), and cruds_count counts live top-level cruds, as the profile lists
-- them (replies show under the cruds they answer).
u.uuid, u.handle, u.display_name, u.bio,
(SELECT count(*) FROM activities a
 WHERE a.user_uuid = u.uuid AND a.reply_to_activity_uuid IS NULL AND a.expires_at > %(now)s) AS cruds_count,
to_char(u.created_at AT TIME ZONE 'UTC', {{api_time_format}}) AS created_at,
u.avatar_url
