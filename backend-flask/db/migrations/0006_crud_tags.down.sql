-- Dropping the trigger and the table locks activities: wait briefly rather than queue the API behind us.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
DROP TRIGGER activities_tag ON activities;
-- The functions are this migration's own: the version a rollback returns to never calls them.
-- squawk-ignore ban-drop-function
DROP FUNCTION activities_tag();
DROP TABLE crud_tags;
-- squawk-ignore ban-drop-function
DROP FUNCTION crud_tags_in(text);
