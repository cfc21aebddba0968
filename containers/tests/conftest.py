"""The container proof's fixtures: one engine, the production images, and the real services they talk to.

Everything started here is stopped here, also when a test fails: containers carry a label and are removed,
the engine we started is stopped (with the bridges it made), PostgreSQL and the emulator are stopped.
Containers use the host network (or a compose network), so they reach PostgreSQL and the emulator on
127.0.0.1 and every port is a free one.
"""
from __future__ import annotations

import pytest

from containers import images, run, stack, standins
from containers.engine import Engine
from devstack import cognito
from devstack.moto import MotoServer
from devstack.postgres import Cluster
from devstack.process import scratch_folder


@pytest.fixture(scope="session")
def engine():
    eng = Engine.ensure(images.STATE)
    try:
        yield eng
    finally:
        leftovers = eng.docker("ps", "-aq", "--filter", f"label={run.LABEL}", check=False).stdout.split()
        if leftovers:
            eng.docker("rm", "-f", *leftovers, check=False)
        eng.stop()


@pytest.fixture(scope="session")
def image_tag():
    return images.git_tag()


@pytest.fixture(scope="session")
def production_images(engine, image_tag):
    # Every base image at once (stand-ins built side by side on a machine without Docker Hub), then both
    # production images side by side.
    standins.ensure(engine, images.all_base_images(), images.STATE)
    return images.build_all(engine, image_tag)


@pytest.fixture(scope="session")
def backend_image(production_images):
    return production_images[images.BACKEND.name]


@pytest.fixture(scope="session")
def frontend_image(production_images):
    return production_images[images.FRONTEND.name]


@pytest.fixture(scope="session")
def scratch():
    """A folder of this session's own (devstack.process.scratch_folder says why not pytest's)."""
    with scratch_folder("cruddur-containers-") as folder:
        yield folder


@pytest.fixture(scope="session")
def database(scratch):
    cluster = Cluster.create(scratch / "postgres")
    cluster.start()
    try:
        yield cluster.create_database("cruddur")
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def aws(scratch):
    server = MotoServer.start(log=scratch / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def local_cognito(aws):
    return cognito.provision(aws.url, stack.REGION)
