-- Users (linked to Cognito by its sub) and their cruds, with the indexes the feeds read by.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name text NOT NULL,
  handle text NOT NULL,
  email text NOT NULL,
  cognito_user_id text UNIQUE,
  bio text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Handles are unique whatever their case: @Bayko and @bayko are one person.
CREATE UNIQUE INDEX users_handle_lower_key ON users (lower(handle));

CREATE TABLE activities (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_uuid uuid NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
  message text NOT NULL,
  replies_count integer NOT NULL DEFAULT 0,
  reposts_count integer NOT NULL DEFAULT 0,
  likes_count integer NOT NULL DEFAULT 0,
  reply_to_activity_uuid uuid REFERENCES activities (uuid) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- a generated column keeps search in step with the message without triggers
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', message)) STORED
);
-- home feed: top-level cruds newest first (expiry filtered on the way)
CREATE INDEX activities_home_idx ON activities (created_at DESC, uuid DESC) WHERE reply_to_activity_uuid IS NULL;
-- a profile's cruds and a user's notifications
CREATE INDEX activities_user_idx ON activities (user_uuid, created_at DESC, uuid DESC);
-- the replies under one crud
CREATE INDEX activities_reply_to_idx ON activities (reply_to_activity_uuid, created_at);
CREATE INDEX activities_search_idx ON activities USING gin (search_vector);

-- What every feed shows of a crud: the activity with its author's handle and name.
CREATE VIEW activity_view AS
SELECT a.uuid, u.handle, u.display_name, a.message, a.replies_count, a.reposts_count, a.likes_count,
       a.reply_to_activity_uuid, a.created_at, a.expires_at, a.user_uuid, a.search_vector
FROM activities a
JOIN users u ON u.uuid = a.user_uuid;

-- Excused from squawk (make lint-migrations, backend-flask/.squawk.toml), rule by rule with the reason: this
-- migration was applied in production before migrations were linted, and stays as it was applied.
-- It creates the schema in an empty database: there is no lock to wait for and no row to scan.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout
-- The counters count one crud's replies, reposts and likes, far below 2^31; widening them would rewrite
-- activities.
-- squawk-ignore-file prefer-bigint-over-int
