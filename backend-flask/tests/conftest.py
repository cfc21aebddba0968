"""The backend's test harness: a real PostgreSQL, the local AWS emulator with a Cognito pool, the app.

Fixtures other areas build on:
  database_url  session: a migrated database (throwaway cluster, or CRUDDUR_TEST_CONNECTION_URL)
  db            per test: a Database on it, emptied before the test
  aws           session: the moto server, with AWS_ENDPOINT_URL and fake credentials in the environment
  cognito       session: the local pool, client and demo users (devstack.cognito)
  settings      per test: Settings pointing at all of the above
  app, client   per test: create_app(settings) and its test client
  auth          session: auth.headers("bayko") → a demo user's real access-token header
  volume_url    session: a database seeded with realistic volume, for query plans (tests/plans.py)
  conn, scratch module: one connection to it; test: that connection inside a transaction rolled back after
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import datetime, timezone

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from jose import jwt

from cruddur import avatars_store, create_app
from cruddur.admin.db import load_volume
from cruddur.config import Settings
from cruddur.db import Database, connect_pool
from cruddur.messages_store import client_for, table_definition
from cruddur.migrations import migrate
from devstack import cognito as local_cognito
from devstack.moto import FAKE_CREDENTIALS, MotoServer
from devstack.postgres import throwaway

# Property tests run the same examples on every machine (no example database, a fixed seed per test), few
# enough that the suite stays quick: HYPOTHESIS_PROFILE=explore searches further with fresh examples.
settings.register_profile("ci", max_examples=25, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("ci"), max_examples=1000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FRONTEND = "http://frontend.test:3000"
BACKEND = "http://backend.test:4567"
DATA_TABLES = ("activities", "users", "reactions", "crud_tags")


def pytest_configure(config):
    # Concurrent pytest runs as the same user prune each other's /tmp/pytest-of-<user> dirs: use our own.
    if not config.option.basetemp:
        config.option.basetemp = tempfile.mkdtemp(prefix="cruddur-backend-pytest-")
        config._cruddur_basetemp = config.option.basetemp


def pytest_unconfigure(config):
    if getattr(config, "_cruddur_basetemp", None):
        shutil.rmtree(config._cruddur_basetemp, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    if os.environ.get("CRUDDUR_TEST_CONNECTION_URL"):
        yield None
        return
    with throwaway("cruddur-backend-pg-") as cluster:
        yield cluster


@pytest.fixture(scope="session")
def database_url(pg_cluster):
    url = os.environ.get("CRUDDUR_TEST_CONNECTION_URL") or pg_cluster.create_database("cruddur_test")
    migrate(url)
    return url


@pytest.fixture
def new_database(database_url):
    """A function making an empty database on the same server; dropped after the test."""
    made = []

    def make(name: str) -> str:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return psycopg.conninfo.make_conninfo(database_url, dbname=name)

    yield make
    with psycopg.connect(database_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _shared_db(database_url):
    database = Database(connect_pool(database_url, 1, 4))
    yield database
    database.close()


@pytest.fixture
def db(_shared_db):
    with _shared_db.pool.connection() as conn:
        conn.execute(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE")
    return _shared_db


@pytest.fixture(scope="session")
def aws():
    saved = {k: os.environ.get(k) for k in (*FAKE_CREDENTIALS, "AWS_ENDPOINT_URL")}
    server = MotoServer.start()
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = server.url
    # the default messages table, as bin/ddb/schema-load makes it for a local stack
    client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], server.url).create_table(**table_definition("cruddur-messages"))
    # and the default avatar buckets, as bin/s3/create-buckets makes them
    avatars_store.create_local_buckets(avatars_store.client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], server.url),
                                       Settings.avatar_uploads_bucket, Settings.avatars_bucket, [FRONTEND])
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def cognito(aws):
    return local_cognito.provision(aws.url)


@pytest.fixture
def settings(database_url, aws, cognito) -> Settings:
    return Settings(
        connection_url=database_url, env="test", frontend_url=FRONTEND, backend_url=BACKEND,
        region="us-east-1", user_pool_id=cognito.user_pool_id, user_pool_client_ids=(cognito.client_id,),
        jwks_url=cognito.jwks_url, aws_endpoint_url=aws.url, pool_max_size=4,
        avatars_url=f"{aws.url}/{Settings.avatars_bucket}",
    )


@pytest.fixture
def app(settings, db):
    application = create_app(settings)
    yield application
    application.extensions["cruddur.db"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock(app):
    """The app's clock, frozen at a known instant; `clock.now = ...` moves it."""
    class Frozen:
        now = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)

        def __call__(self):
            return self.now

    frozen = Frozen()
    app.extensions["cruddur.clock"] = frozen
    return frozen


class Auth:
    """Real access tokens of the emulator's demo users, signed in once per session."""

    def __init__(self, aws, cognito):
        self.aws, self.cognito, self.tokens = aws, cognito, {}

    def sign_in(self, handle: str) -> dict:
        """The user's tokens, signed in again when the cached ones have less than a minute left (the
        emulator's client issues five-minute tokens, as production's does, and a session lasts longer)."""
        cached = self.tokens.get(handle)
        if cached is None or jwt.get_unverified_claims(cached["AccessToken"])["exp"] - time.time() < 60:
            user = next(u for u in local_cognito.DEMO_USERS if u.handle == handle)
            self.tokens[handle] = local_cognito.sign_in(self.aws.url, self.cognito.client_id, user.email,
                                                        local_cognito.DEMO_PASSWORD)
        return self.tokens[handle]

    def headers(self, handle: str) -> dict:
        return {"Authorization": f"Bearer {self.sign_in(handle)['AccessToken']}"}


@pytest.fixture(scope="session")
def auth(aws, cognito):
    return Auth(aws, cognito)


@pytest.fixture
def log_lines():
    """The JSON lines the app logs during the test, parsed."""
    import io
    import json
    import logging

    from cruddur.logs import JsonFormatter, log

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        log.removeHandler(handler)


@pytest.fixture(scope="session")
def volume_url(database_url):
    """A migrated database with realistic volume (db/volume.sql, vacuumed and analysed), for tests about query plans."""
    name = "cruddur_volume"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = psycopg.conninfo.make_conninfo(database_url, dbname=name)
    migrate(url)
    load_volume(url, users=300, activities=20000)
    yield url
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def conn(volume_url):
    """One connection to the volume database, for a module of query-plan tests."""
    with psycopg.connect(volume_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def scratch(conn):
    """The volume database inside a transaction rolled back after the test: other tests never see the rows
    a test adds."""
    with conn.transaction(force_rollback=True):
        yield conn
