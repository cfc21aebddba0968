-- The bootcamp's people and a few live cruds and replies, for a local stack and demos.
-- Times are relative to now() so the seed never starts out expired. Re-running it changes nothing.
INSERT INTO users (display_name, handle, email, bio) VALUES
  ('Andrew Brown', 'andrewbrown', 'andrew@cruddur.example', 'Runs the bootcamp.'),
  ('Andrew Bayko', 'bayko', 'bayko@cruddur.example', 'Cloud engineer.'),
  ('Londo Mollari', 'londo', 'londo@cruddur.example', 'Ambassador of the Centauri Republic.')
ON CONFLICT DO NOTHING;

INSERT INTO activities (uuid, user_uuid, message, expires_at, created_at)
SELECT v.uuid::uuid, u.uuid, v.message, now() + v.ttl::interval, now() - v.age::interval
FROM (VALUES
  ('68f126b0-1ceb-4a33-88be-d90fa7109eee', 'andrewbrown', 'Cloud is fun!', '10 days', '2 hours'),
  ('66e12864-8c26-4c3a-9658-95a10f8fea67', 'bayko', 'This post has no honor! #fargate', '7 days', '90 minutes'),
  ('248959df-3079-4947-b847-9e0892d1bab4', 'londo', 'I am out of prunes. Ask me about the ECS cluster.', '3 days', '1 hour'),
  ('9d6b0a1e-6f4d-4ad4-9f0e-3c2d1b5a7e10', 'andrewbrown', 'Deploying the backend to Fargate today @bayko', '1 day', '20 minutes')
) AS v (uuid, handle, message, ttl, age)
JOIN users u ON u.handle = v.handle
ON CONFLICT (uuid) DO NOTHING;

INSERT INTO activities (uuid, user_uuid, message, reply_to_activity_uuid, expires_at, created_at)
SELECT v.uuid::uuid, u.uuid, v.message, p.uuid, p.expires_at, now() - v.age::interval
FROM (VALUES
  ('26e12864-1c26-5c3a-9658-97a10f8fea67', 'bayko', 'It is, until the bill arrives.', '68f126b0-1ceb-4a33-88be-d90fa7109eee', '100 minutes'),
  ('7a3b9c1d-2e4f-4a5b-8c6d-0e1f2a3b4c5d', 'londo', 'Great Maker, the bill!', '68f126b0-1ceb-4a33-88be-d90fa7109eee', '50 minutes')
) AS v (uuid, handle, message, parent, age)
JOIN users u ON u.handle = v.handle
JOIN activities p ON p.uuid = v.parent::uuid
ON CONFLICT (uuid) DO NOTHING;

-- counts follow the replies that exist (the seed may run again on a database it already filled)
UPDATE activities a SET replies_count = (SELECT count(*) FROM activities r WHERE r.reply_to_activity_uuid = a.uuid);
