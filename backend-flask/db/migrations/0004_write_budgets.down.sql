-- Dropping the table locks it and its reference to users: wait briefly rather than queue the API behind us.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
DROP TABLE write_budgets;
