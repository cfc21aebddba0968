DROP VIEW activity_view;
CREATE VIEW activity_view AS
SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
       a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid, a.search_vector
FROM activities a
JOIN users u ON u.uuid = a.user_uuid;

-- Excused from squawk (make lint-migrations, backend-flask/.squawk.toml), rule by rule with the reason: this
-- migration was applied in production before migrations were linted, and stays as it was applied.
-- A rollback step, run by hand (bin/db/rollback); new down steps set lock_timeout and statement_timeout too.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout
