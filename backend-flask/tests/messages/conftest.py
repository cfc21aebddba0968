"""Fixtures for the direct-message tests, on top of the backend harness (tests/conftest.py).

Each test gets a messages table of its own in the session's emulator, and the app is pointed at it.
"""
from __future__ import annotations

import uuid

import pytest

from cruddur.messages_store import MessagesStore, client_for, table_definition
from devstack.moto import FAKE_CREDENTIALS

from .serializing_proxy import SerializingProxy

REGION = FAKE_CREDENTIALS["AWS_DEFAULT_REGION"]


@pytest.fixture
def ddb(aws):
    return client_for(REGION, aws.url, total_attempts=1)


@pytest.fixture
def table(ddb):
    name = f"messages-{uuid.uuid4().hex[:12]}"
    ddb.create_table(**table_definition(name))
    yield name
    if name in ddb.list_tables()["TableNames"]:  # the drop tests remove it themselves
        ddb.delete_table(TableName=name)


@pytest.fixture
def store(ddb, table):
    return MessagesStore(ddb, table, sleep=_no_sleep)


@pytest.fixture
def settings(settings, table):
    return settings.replace(message_table=table)


@pytest.fixture
def serialized_endpoint(aws):
    """The emulator behind a proxy that gives it DynamoDB's transaction isolation (see serializing_proxy)."""
    with SerializingProxy(aws.url) as proxy:
        yield proxy.url


@pytest.fixture
def serialized_store(serialized_endpoint, table):
    return MessagesStore(client_for(REGION, serialized_endpoint, total_attempts=1), table, sleep=_no_sleep)


@pytest.fixture
def people(client, auth):
    """The three demo users' profiles, each created the way the app creates it (first call to /api/me)."""
    found = {}
    for handle in ("andrewbrown", "bayko", "londo"):
        r = client.get("/api/me", headers=auth.headers(handle))
        assert r.status_code == 200, r.json
        found[handle] = r.json
    return found


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"the store slept {seconds}s against the emulator, which never conflicts")
