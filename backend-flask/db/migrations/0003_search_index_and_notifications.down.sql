DROP TRIGGER activities_notify ON activities;
DROP FUNCTION activities_notify();
DROP FUNCTION notifications_for(activities);
DROP TABLE notifications;
DROP INDEX activities_created_idx;

-- Excused from squawk (make lint-migrations, backend-flask/.squawk.toml), rule by rule with the reason: this
-- migration was applied in production before migrations were linted, and stays as it was applied.
-- A rollback step, run by hand (bin/db/rollback); new down steps set lock_timeout and statement_timeout too.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout
-- The functions are this migration's own: the version a rollback returns to never calls them.
-- squawk-ignore-file ban-drop-function
-- DROP INDEX CONCURRENTLY cannot run in the transaction migrations.py opens; the index is this step's own.
-- squawk-ignore-file require-concurrent-index-deletion
