-- The tag a search term is, when the term is one #tag and nothing more (crud_tags_in, migration 0006, is the
-- rule); no row otherwise.
SELECT tags[1] AS tag
FROM crud_tags_in(%(term)s) AS tags
WHERE cardinality(tags) = 1 AND lower(normalize(%(term)s, NFC) COLLATE "und-x-icu") = '#' || tags[1]
