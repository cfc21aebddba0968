-- Live updates (docs/api.md, "Live updates"), on each person's users row:
-- notifications_seen_at: when they last opened their notifications, so the navigation can count what came
--   after. NULL means never opened: every notification is unread.
-- messages_version: moves whenever a message reaches or leaves their conversations or they read one, so the
--   unread-messages count, which DynamoDB answers, is asked of DynamoDB only when it can have changed
--   (cruddur/services/live.py). A constant default is stored in the catalogue, not written into every row.
-- Neither is named by the running version's inserts. The lock on users is brief; we would rather give up
-- than queue sign-ins behind it.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE users ADD COLUMN notifications_seen_at timestamptz;
ALTER TABLE users ADD COLUMN messages_version bigint NOT NULL DEFAULT 0;
