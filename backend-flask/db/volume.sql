-- Realistic volume for query plans and the benchmark: hundreds of people, tens of thousands of cruds, a
-- share of them expired or replies, spread over the last thirty days, most with #tags. Deterministic (setseed)
-- so runs compare.
SELECT setseed(0.42);

INSERT INTO users (display_name, handle, email, bio)
SELECT 'Bench Person ' || n, 'bench' || n, 'bench' || n || '@cruddur.example', 'Here to be measured.'
FROM generate_series(1, %(users)s) AS n;

WITH people AS (SELECT array_agg(uuid) AS ids FROM users)
INSERT INTO activities (user_uuid, message, expires_at, created_at)
SELECT author, message, created + (CASE WHEN random() < 0.2 THEN interval '1 hour' ELSE interval '60 days' END),
       created
-- each crud's own moment: in a subquery's list, random() is drawn per row (a LATERAL that names nothing of
-- the row was drawn once, and every crud had the same created_at)
FROM (SELECT people.ids[1 + floor(random() * array_length(people.ids, 1))::int] AS author,
             'Crud number ' || n || ' about fargate, postgres and the cloud @bench' || (1 + n %% 50)
               -- tags as people use them: one in half the cruds, one in a third (written in capitals), and
               -- 200 rare ones, each in a thousandth
               || CASE WHEN n %% 2 = 0 THEN ' #cloud' ELSE '' END
               || CASE WHEN n %% 3 = 0 THEN ' #Postgres' ELSE '' END
               || CASE WHEN n %% 5 = 0 THEN ' #topic' || (n / 5 %% 200) ELSE '' END AS message,
             now() - random() * interval '30 days' AS created
      FROM people, generate_series(1, %(activities)s) AS n) AS made;

-- a tenth of them get a reply, which the home feed must skip
INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at, created_at)
SELECT a.user_uuid, 'A reply to ' || a.uuid, a.uuid, a.expires_at, a.created_at + interval '1 minute'
FROM activities a
WHERE random() < 0.1;

UPDATE activities p SET replies_count = r.n
FROM (SELECT reply_to_activity_uuid AS uuid, count(*) AS n FROM activities
      WHERE reply_to_activity_uuid IS NOT NULL GROUP BY 1) AS r
WHERE p.uuid = r.uuid;

-- about a third of the top-level cruds get likes (up to three) and one in twenty a repost, from random people
-- within an hour of the crud (never in the future), counted and notified as the API does
INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at)
SELECT people.ids[1 + floor(random() * array_length(people.ids, 1))::int], c.uuid, c.kind,
       LEAST(now(), c.created_at + random() * interval '1 hour'), c.expires_at
FROM (SELECT array_agg(uuid) AS ids FROM users) AS people,
     -- the dice in the select list, so that each crud and kind throws its own
     (SELECT a.uuid, a.created_at, a.expires_at, k.kind, random() AS dice
      FROM activities a, (VALUES ('like'), ('like'), ('like'), ('repost')) AS k (kind)
      WHERE a.reply_to_activity_uuid IS NULL) AS c
WHERE c.dice < CASE c.kind WHEN 'like' THEN 0.15 ELSE 0.05 END
ON CONFLICT DO NOTHING;

UPDATE activities a SET likes_count = r.likes, reposts_count = r.reposts
FROM (SELECT activity_uuid, count(*) FILTER (WHERE kind = 'like') AS likes,
             count(*) FILTER (WHERE kind = 'repost') AS reposts
      FROM reactions GROUP BY 1) AS r
WHERE a.uuid = r.activity_uuid;

INSERT INTO notifications (user_uuid, activity_uuid, reason, created_at, actor_uuid, uuid)
SELECT a.user_uuid, a.uuid, r.kind, r.created_at, r.user_uuid, r.uuid
FROM reactions r JOIN activities a ON a.uuid = r.activity_uuid
WHERE a.user_uuid <> r.user_uuid;

ANALYZE;
