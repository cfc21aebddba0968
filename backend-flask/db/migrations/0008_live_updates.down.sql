-- Undo 0008_live_updates: forget when people last opened their notifications and their messages' version.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE users DROP COLUMN messages_version;
ALTER TABLE users DROP COLUMN notifications_seen_at;
