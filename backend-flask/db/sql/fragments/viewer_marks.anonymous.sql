-- viewer_marks.sql for a reader who is nobody (%(viewer_sub)s NULL): an anonymous reader liked and reposted
-- nothing, so the statement an anonymous request runs looks nothing up (cruddur.db renders it in place of
-- viewer_marks.sql when the request's viewer_sub is None).
false AS liked, false AS reposted
