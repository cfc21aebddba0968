"""Shared fixtures for the devstack tests: one emulator process per session, clean for every test."""
from __future__ import annotations

import pytest

from devstack.moto import MotoServer


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    server = MotoServer.start(log=tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(moto_server):
    """The session's emulator with every resource forgotten, so no test sees another's pool."""
    moto_server.reset()
    return moto_server
