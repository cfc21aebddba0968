-- A crud as the API answers it, for `v`, a row of activity_view (or any row with its columns): the one
-- definition of the object's fields and their order (the OpenAPI document's Activity), its JSON built here so
-- a page leaves PostgreSQL ready to send. Times are written as the API writes every time: UTC, milliseconds,
-- Z (cruddur.http.iso; tests/test_sql_json.py holds the two to one spelling).
'uuid', v.uuid, 'handle', v.handle, 'display_name', v.display_name, 'message', v.message,
'replies_count', v.replies_count, 'reposts_count', v.reposts_count, 'likes_count', v.likes_count,
'reply_to_activity_uuid', v.reply_to_activity_uuid,
'created_at', to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
'expires_at', to_char(v.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
'avatar_url', v.avatar_url
