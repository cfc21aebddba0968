-- A crud as the API answers it, for `v`, a row of activity_view (or any row with its columns): the one
-- definition of the object's fields and their order (the OpenAPI document's Activity), as the columns of a
-- row whose JSON PostgreSQL writes (row_to_json), so that a page leaves PostgreSQL ready to send. Times are
-- written as the API writes every time: UTC, milliseconds, Z (cruddur.http.iso; tests/test_sql_json.py holds
-- the two to one spelling).
v.uuid, v.handle, v.display_name, v.message, v.replies_count, v.reposts_count, v.likes_count,
v.reply_to_activity_uuid,
to_char(v.created_at AT TIME ZONE 'UTC', {{api_time_format}}) AS created_at,
to_char(v.expires_at AT TIME ZONE 'UTC', {{api_time_format}}) AS expires_at,
v.avatar_url
