"""Drills break real things on purpose: the API runs under gunicorn with its production config, against
its own PostgreSQL cluster (so stopping it disturbs no other test) and the session's AWS emulator.

These tests wait on real processes (a server restarting, a worker draining), so their waits are
bounded polls of the server's own answers, never fixed sleeps.
"""
from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from cruddur.migrations import migrate
from devstack.moto import FAKE_CREDENTIALS
from devstack.postgres import throwaway
from devstack.serve import Served

SEED = Path(__file__).resolve().parents[2] / "db" / "seed.sql"


@pytest.fixture
def drill_cluster():
    with throwaway("cruddur-drill-", stop_mode="immediate") as cluster:
        url = cluster.create_database("cruddur_drill")
        migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SEED.read_text())
        yield cluster, url


@pytest.fixture
def api_env(aws, cognito):
    """The API's environment for the drills: the session's emulator and Cognito pool."""
    return {**os.environ, **FAKE_CREDENTIALS, "CRUDDUR_ENV": "test", "AWS_ENDPOINT_URL": aws.url,
            "AWS_COGNITO_USER_POOL_ID": cognito.user_pool_id, "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito.client_id,
            "AWS_COGNITO_JWKS_URL": cognito.jwks_url, "FRONTEND_URL": "http://localhost:3000",
            "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}


@pytest.fixture
def serve(tmp_path):
    """serve(env) → a running Served, stopped after the test."""
    started = []

    def start(env: dict, name: str = "api") -> Served:
        server = Served(env, tmp_path / f"{name}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
