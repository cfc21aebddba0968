"""`docker compose` brings the stack up (with the CI override) and the API answers through it.

Compose is Debian's docker-compose (v1). Host ports are free ones, handed in through the variables the
compose file offers; the project is torn down with its volumes whatever the outcome, then checked gone.
"""
from __future__ import annotations

import subprocess
import time
import uuid

import pytest
import requests

from containers.images import ROOT
from containers.run import Container
from devstack import cognito
from devstack.net import free_port

FILES = ["-f", str(ROOT / "docker-compose.yml"), "-f", str(ROOT / "containers" / "docker-compose.ci.yml")]


def compose(engine, project: str, ports: dict[str, str], *args: str, timeout: float = 900):
    r = subprocess.run(["docker-compose", *FILES, "-p", project, *args], env={**engine.env, **ports},
                       capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if r.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


@pytest.mark.parametrize("files", [FILES[:2], FILES], ids=["compose", "compose+ci"])
def test_compose_file_is_valid(files):
    r = subprocess.run(["docker-compose", *files, "config", "-q"], capture_output=True, text=True, cwd=ROOT)
    assert (r.returncode, r.stderr) == (0, "")


def test_compose_stack_serves_a_signed_in_request_and_comes_down_clean(engine, production_images):
    project = f"cruddurproof{uuid.uuid4().hex[:8]}"
    ports = {"DB_PORT": str(free_port()), "AWS_LOCAL_PORT": str(free_port()), "BACKEND_PORT": str(free_port())}
    api = f"http://127.0.0.1:{ports['BACKEND_PORT']}"
    try:
        compose(engine, project, ports, "up", "-d", "--build")
        # `up -d` returns once the backend's dependencies are healthy; the backend may still be booting.
        backend = engine.docker("ps", "-q", "--filter", f"label=com.docker.compose.project={project}",
                                "--filter", "label=com.docker.compose.service=backend-flask").stdout.strip()
        Container(engine, backend, time.monotonic()).wait_healthy(timeout=120)
        running = engine.docker("ps", "--filter", f"label=com.docker.compose.project={project}",
                                "--format", '{{.Label "com.docker.compose.service"}}').stdout.split()
        assert sorted(running) == ["aws-local", "backend-flask", "db"], "the CI override leaves the web dev server out"
        assert requests.get(f"{api}/api/health-check", timeout=5).json() == {"success": True}
        ready = requests.get(f"{api}/api/health-check/ready", timeout=10).json()
        assert ready["ready"] is True, f"database, key set and messages table all answer: {ready}"

        settings = compose(engine, project, ports, "exec", "-T", "aws-local", "cat", "/aws-local/cognito.env")
        ids = dict(line.removeprefix("export ").split("=", 1) for line in settings.splitlines())
        token = cognito.sign_in(f"http://127.0.0.1:{ports['AWS_LOCAL_PORT']}",
                                ids["AWS_COGNITO_USER_POOL_CLIENT_ID"], cognito.DEMO_USERS[0].email,
                                cognito.DEMO_PASSWORD)["AccessToken"]
        me = requests.get(f"{api}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert me.status_code == 200, me.text
        assert me.json()["handle"] == cognito.DEMO_USERS[0].handle
    finally:
        compose(engine, project, ports, "down", "-v", "--remove-orphans", "-t", "5")
    project_filter = f"label=com.docker.compose.project={project}"
    leftovers = {kind: engine.docker(*cmd, "-q", "--filter", project_filter).stdout.split()
                 for kind, cmd in (("containers", ("ps", "-a")), ("volumes", ("volume", "ls")),
                                   ("networks", ("network", "ls")))}
    assert leftovers == {"containers": [], "volumes": [], "networks": []}
