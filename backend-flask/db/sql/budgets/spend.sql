-- Spend one write of a budget (a generic cell rate: each write moves whole_at on by period / count, and a
-- write fits while whole_at stays within one period of now). No row back: the write does not fit. The row
-- lock of ON CONFLICT makes concurrent writes of one person count one after the other.
INSERT INTO write_budgets AS b (user_uuid, action, whole_at)
VALUES (%(user_uuid)s, %(action)s, %(now)s + %(interval)s)
ON CONFLICT (user_uuid, action) DO UPDATE
  SET whole_at = GREATEST(b.whole_at, %(now)s) + %(interval)s
  WHERE GREATEST(b.whole_at, %(now)s) + %(interval)s <= %(now)s + %(period)s
RETURNING whole_at
