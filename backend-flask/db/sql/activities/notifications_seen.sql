-- The person has opened their notifications now: what came before stops counting as unread. Never moves
-- back, so a late request from another tab cannot bring old notifications back.
UPDATE users SET notifications_seen_at = %(now)s
WHERE uuid = %(user_uuid)s AND (notifications_seen_at IS NULL OR notifications_seen_at < %(now)s)
