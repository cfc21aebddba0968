-- Live updates (docs/api.md, "Live updates"): when each person last opened their notifications, so the
-- navigation can count what came after. Nullable: the running version's inserts do not name it, and NULL
-- means "never opened", every notification unread. Adding a nullable column without a default rewrites
-- nothing; the lock on users is brief, and we would rather give up than queue sign-ins behind it.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE users ADD COLUMN notifications_seen_at timestamptz;
