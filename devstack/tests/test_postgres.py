"""devstack.postgres: a real cluster from the local binaries, owned by the test."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from devstack.postgres import Cluster, pg_bin


def psql(url: str, sql: str) -> str:
    done = subprocess.run([pg_bin("psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          check=True, capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


@pytest.fixture
def cluster():
    # Not under tmp_path: as root the postgres user must walk down to its data directory, and every
    # pytest session (other suites run at the same time) resets /tmp/pytest-of-root to mode 0700.
    workdir = Path(tempfile.mkdtemp(prefix="devstack-pg-"))
    cluster = Cluster.create(workdir / "pgdata")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_cluster_serves_sql_in_utf8(cluster):
    assert cluster.is_running()
    url = cluster.create_database("cruddur_test")
    assert url == cluster.url("cruddur_test")
    assert psql(url, "SHOW server_encoding") == "UTF8"
    assert psql(url, "SELECT 'crud ✓'") == "crud ✓"


def test_stop_stops_it_and_data_survives_a_restart(cluster):
    url = cluster.create_database("keep")
    psql(url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')")
    cluster.stop()
    assert not cluster.is_running()
    with pytest.raises(subprocess.CalledProcessError):
        psql(url, "SELECT 1")
    again = Cluster.create(cluster.datadir, port=cluster.port)  # finds the cluster, does not re-initialise
    again.start()
    try:
        assert psql(url, "SELECT note FROM kept") == "still here"
    finally:
        again.stop()
