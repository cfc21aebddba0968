"""Fixtures for the direct-message tests: one moto server per session, a fresh table per test."""
from __future__ import annotations

import uuid

import pytest

from cruddur.messages_store import MessagesStore, client_for, table_definition
from devstack.moto import FAKE_CREDENTIALS, MotoServer
from serializing_proxy import SerializingProxy


@pytest.fixture(scope="session")
def moto_server():
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAKE_CREDENTIALS.items():
            env.setenv(name, value)
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        server = MotoServer.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def ddb(moto_server):
    return client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], moto_server.url, max_attempts=1)


@pytest.fixture
def table(ddb):
    """A messages table of its own for each test, so tests never see each other's items."""
    name = f"messages-{uuid.uuid4().hex[:12]}"
    ddb.create_table(**table_definition(name))
    yield name
    ddb.delete_table(TableName=name)


@pytest.fixture
def store(ddb, table):
    return MessagesStore(ddb, table, sleep=_no_sleep)


@pytest.fixture
def serialized_store(moto_server, table):
    """The same table, reached through a proxy that gives the emulator DynamoDB's transaction isolation."""
    with SerializingProxy(moto_server.url) as proxy:
        yield MessagesStore(client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], proxy.url, max_attempts=1), table,
                            sleep=_no_sleep)


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"the store slept {seconds}s against the emulator, which never conflicts")
