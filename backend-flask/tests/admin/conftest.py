"""The admin tests build on the backend harness; the bin/ddb tests also need the messages tests' table,
store and demo people, which are shared from there rather than written twice."""
from tests.messages.conftest import ddb, people, settings, store, table  # noqa: F401
