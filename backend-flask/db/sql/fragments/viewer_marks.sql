-- Whether the reader, the person with Cognito sub %(viewer_sub)s (none when anonymous: false, false), liked
-- and reposted the crud `v`: one primary-key lookup each, the reader's uuid looked up once per statement.
-- Scalar subqueries, not EXISTS: PostgreSQL may turn an EXISTS into a hash of everything the reader ever
-- liked, read whole for a page of twenty. The empty sub stands for nobody, so that an anonymous read is
-- planned like a signed-in one and both reuse one plan.
'liked', COALESCE((SELECT true FROM reactions mine
                   WHERE mine.user_uuid = (SELECT viewer.uuid FROM users viewer
                                           WHERE viewer.cognito_user_id = COALESCE(%(viewer_sub)s, ''))
                     AND mine.activity_uuid = v.uuid AND mine.kind = 'like'), false),
'reposted', COALESCE((SELECT true FROM reactions mine
                      WHERE mine.user_uuid = (SELECT viewer.uuid FROM users viewer
                                              WHERE viewer.cognito_user_id = COALESCE(%(viewer_sub)s, ''))
                        AND mine.activity_uuid = v.uuid AND mine.kind = 'repost'), false)
