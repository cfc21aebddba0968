-- #tags, recorded as each crud is written, as notifications are (0003): a search for one tag reads one index
-- range, newest first, and Trending counts the last day's uses, never matching every crud's text at read time.
-- Taking the trigger's lock on activities waits briefly rather than queue the API's writes behind us; the
-- backfill reads the live cruds once.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

-- The tag rule, the one place it is written (the web app's CrudText follows it; tests/text_links.json holds
-- both to the same cases). A tag is "#" and a run of letters, decimal digits and "_" holding a letter
-- ("#1" is a ranking, not a tag), counted when nothing of a tag comes right before the "#" (C#, a URL's
-- #fragment). Letters and digits are Unicode's, hence ICU's collation: under the database's C locale the
-- classes and lower() know ASCII only. NFC first, so a letter typed as a base and a combining accent is the
-- one letter it shows. Tags are compared in lower case, each once per crud, in the order written.
CREATE FUNCTION crud_tags_in(message text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(tag ORDER BY first), '{}')
  FROM (SELECT lower(m.found[1]) AS tag, min(m.n) AS first
        FROM regexp_matches(normalize(message, NFC) COLLATE "und-x-icu",
                            '(?:^|[^[:alnum:]_])#([[:alnum:]_]*[[:alpha:]][[:alnum:]_]*)', 'g')
             WITH ORDINALITY AS m (found, n)
        GROUP BY 1) AS tags
$$;

CREATE TABLE crud_tags (
  tag text NOT NULL,
  activity_uuid uuid NOT NULL REFERENCES activities (uuid) ON DELETE CASCADE,
  -- the crud's author, time and expiry, copied so that both reads stay inside these indexes
  user_uuid uuid NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- leading with the crud: ON DELETE CASCADE from activities looks rows up by it
  PRIMARY KEY (activity_uuid, tag)
);
-- one tag's cruds, newest first (search for "#tag")
CREATE INDEX crud_tags_feed_idx ON crud_tags (tag, created_at DESC, activity_uuid DESC) INCLUDE (expires_at);
-- the last day's uses, read without visiting the table (Trending)
CREATE INDEX crud_tags_recent_idx ON crud_tags (created_at) INCLUDE (tag, user_uuid, expires_at);

CREATE FUNCTION activities_tag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO crud_tags (tag, activity_uuid, user_uuid, created_at, expires_at)
  SELECT tag, NEW.uuid, NEW.user_uuid, NEW.created_at, NEW.expires_at FROM unnest(crud_tags_in(NEW.message)) AS tag;
  RETURN NULL;
END
$$;

-- every writer of cruds (the API, the seeds, a bulk load) tags alike
CREATE TRIGGER activities_tag AFTER INSERT ON activities FOR EACH ROW EXECUTE FUNCTION activities_tag();

-- Expired cruds are never shown again, so only the live ones are worth their tags.
INSERT INTO crud_tags (tag, activity_uuid, user_uuid, created_at, expires_at)
SELECT tag, a.uuid, a.user_uuid, a.created_at, a.expires_at
FROM activities a, unnest(crud_tags_in(a.message)) AS tag
WHERE a.expires_at > now();
