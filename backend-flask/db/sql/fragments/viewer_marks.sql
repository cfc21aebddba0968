-- Whether the reader, the person with Cognito sub %(viewer_sub)s (none when anonymous: false, false), liked
-- and reposted the crud `v`: one primary-key lookup each, the reader's uuid looked up once per statement.
-- Scalar subqueries, not EXISTS: PostgreSQL may turn an EXISTS into a hash of everything the reader ever
-- liked, read whole for a page of twenty. An anonymous request runs viewer_marks.anonymous.sql instead; a
-- NULL sub here still means nobody, spelled '' so that PostgreSQL plans it as it plans a real one.
COALESCE((SELECT true FROM reactions mine
                   WHERE mine.user_uuid = (SELECT viewer.uuid FROM users viewer
                                           WHERE viewer.cognito_user_id = COALESCE(%(viewer_sub)s, ''))
                     AND mine.activity_uuid = v.uuid AND mine.kind = 'like'), false) AS liked,
COALESCE((SELECT true FROM reactions mine
                      WHERE mine.user_uuid = (SELECT viewer.uuid FROM users viewer
                                              WHERE viewer.cognito_user_id = COALESCE(%(viewer_sub)s, ''))
                        AND mine.activity_uuid = v.uuid AND mine.kind = 'repost'), false) AS reposted
