-- One live crud by its uuid, only under its author's handle (any case), with its live replies oldest first
-- (a conversation reads top to bottom), at most %(limit)s of them: one statement, both parts' JSON built here
-- (fragments/crud_columns.sql). No row when the crud is missing, expired or asked for under another handle.
SELECT row_to_json(c)::text AS activity,
       (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.uuid), '[]')
        FROM (SELECT * FROM activity_view
              WHERE reply_to_activity_uuid = %(uuid)s AND expires_at > %(now)s
              ORDER BY created_at, uuid
              LIMIT %(limit)s) v,
             LATERAL (SELECT {{crud_columns}}, {{viewer_marks}}) r)::text AS replies
FROM activity_view v,
     LATERAL (SELECT {{crud_columns}}, {{viewer_marks}}) c
WHERE v.uuid = %(uuid)s AND lower(v.handle) = lower(%(handle)s) AND v.expires_at > %(now)s
