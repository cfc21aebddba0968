-- Notifications and search read by index rather than by scanning every crud.
-- pg_trgm ships with Debian's postgresql-15 and is a trusted extension on RDS.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- mentions: a trigram index answers the case-insensitive @handle regex without reading every message
CREATE INDEX activities_message_trgm_idx ON activities USING gin (message gin_trgm_ops);
-- search: a common word is found by walking every crud (replies too) newest first until a page is full;
-- activities_home_idx cannot, it leaves the replies out
CREATE INDEX activities_created_idx ON activities (created_at DESC, uuid DESC);
