-- Which of the given cruds the person with this Cognito sub liked and reposted: a row per crud they reacted
-- to (none for a person without a users row yet, who has reacted to nothing). One primary-key lookup per
-- crud and kind, however many reactions the person has.
SELECT wanted.uuid,
       bool_or(r.kind = 'like') AS liked,
       bool_or(r.kind = 'repost') AS reposted
FROM users u
CROSS JOIN unnest(%(uuids)s::uuid[]) AS wanted (uuid)
JOIN reactions r ON r.user_uuid = u.uuid AND r.activity_uuid = wanted.uuid
WHERE u.cognito_user_id = %(sub)s
GROUP BY wanted.uuid
