-- One live crud by its uuid, only under its author's handle (any case), with its live replies oldest first
-- (a conversation reads top to bottom), at most %(limit)s of them: one statement, both parts' JSON built here
-- (fragments/crud_json.sql). No row when the crud is missing, expired or asked for under another handle.
SELECT json_build_object({{crud_json}}, {{viewer_marks}})::text AS activity,
       (SELECT coalesce(json_agg(json_build_object({{crud_json}}, {{viewer_marks}}) ORDER BY v.created_at, v.uuid),
                        '[]')
        FROM (SELECT * FROM activity_view
              WHERE reply_to_activity_uuid = %(uuid)s AND expires_at > %(now)s
              ORDER BY created_at, uuid
              LIMIT %(limit)s) v)::text AS replies
FROM activity_view v
WHERE v.uuid = %(uuid)s AND lower(v.handle) = lower(%(handle)s) AND v.expires_at > %(now)s
