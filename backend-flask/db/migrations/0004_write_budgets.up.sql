-- Per-person write budgets (cruddur/budgets.py): one row per person and kind of write, holding when that
-- budget is whole again. Every task and worker spends from these rows, so the budget is one per person.
-- The reference to users takes a lock on it: wait for it briefly rather than queue the API behind us.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
CREATE TABLE write_budgets (
  user_uuid uuid NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
  action text NOT NULL,
  whole_at timestamptz NOT NULL,
  PRIMARY KEY (user_uuid, action)
);
