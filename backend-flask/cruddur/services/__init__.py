"""Use cases: plain functions over a Database and plain values (the clock included); no Flask."""
