-- The tags most used among live cruds written since %(since)s, with how many people and cruds used each:
-- ranked by people first, so one person repeating a tag cannot carry it alone. One range of
-- crud_tags_recent_idx, read without visiting the table: the work is one index entry per use in the window.
-- Counted per person first, then per tag (two hash aggregates; count(DISTINCT) sorted each tag's uses anew).
SELECT tag, count(*) AS people, sum(uses)::int AS cruds
FROM (SELECT tag, user_uuid, count(*) AS uses
      FROM crud_tags
      WHERE created_at > %(since)s AND expires_at > %(now)s
      GROUP BY tag, user_uuid) AS by_person
GROUP BY tag
ORDER BY people DESC, cruds DESC, tag
LIMIT %(limit)s
