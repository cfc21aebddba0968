"""The production API image, run with its ECS task definition's settings against a real PostgreSQL and the
local AWS emulator.

Two departures from the task definition, both because this is the emulator and not AWS: CRUDDUR_ENV is
`test` (production settings refuse AWS_ENDPOINT_URL, by design) and PORT is a free port (host network,
shared with other suites). Everything else, user, read-only root, scratch /tmp, environment and the
CONNECTION_URL secret fetched from SSM by its ARN as the ECS agent does, comes from the file.
"""
from __future__ import annotations

import json

import pytest
import requests

from containers import run
from containers.tests.conftest import REGION, aws_client
from devstack import cognito
from devstack.moto import FAKE_CREDENTIALS
from devstack.net import free_port

SERVICE = "backend-flask"
ACCOUNT_ID = "123456789012"  # the emulator's account
HOST_NETWORK = ["--network", "host"]


@pytest.fixture(scope="module")
def task():
    return run.task_definition(SERVICE)


@pytest.fixture(scope="module")
def task_variables(local_cognito):
    return {"FRONTEND_URL": "http://localhost:3000", "BACKEND_URL": "http://localhost:4567",
            "AWS_DEFAULT_REGION": REGION, "AWS_ACCOUNT_ID": ACCOUNT_ID,
            "AWS_COGNITO_USER_POOL_ID": local_cognito.user_pool_id,
            "AWS_COGNITO_USER_POOL_CLIENT_ID": local_cognito.client_id}


@pytest.fixture(scope="module")
def secrets(aws, database, task, task_variables):
    """The task's secrets, stored in SSM as deploy does and read back by ARN as the ECS agent does."""
    ssm = aws_client(aws, "ssm")
    ssm.put_parameter(Name="/cruddur/backend-flask/CONNECTION_URL", Value=database, Type="SecureString",
                      Overwrite=True)
    container_def = run.container_definition(task, SERVICE)
    return {s["name"]: ssm.get_parameter(Name=run.render(s["valueFrom"], task_variables),
                                         WithDecryption=True)["Parameter"]["Value"]
            for s in container_def["secrets"]}


@pytest.fixture(scope="module")
def migrated(engine, backend_image, secrets):
    """Schema applied by the image itself (`python -m cruddur.cli migrate`, as a one-off task would)."""
    engine.docker("run", "--rm", "--label", run.LABEL, *HOST_NETWORK, "-e", "CONNECTION_URL", backend_image,
                  "python", "-m", "cruddur.cli", "migrate", env={"CONNECTION_URL": secrets["CONNECTION_URL"]})


@pytest.fixture(scope="module")
def api(engine, backend_image, task, task_variables, secrets, migrated, aws, local_cognito):
    container_def = run.container_definition(task, SERVICE)
    port = free_port()
    env = {**run.environment(container_def, task_variables), **secrets,
           "CRUDDUR_ENV": "test", "PORT": str(port), "AWS_ENDPOINT_URL": aws.url,
           "AWS_COGNITO_JWKS_URL": local_cognito.jwks_url,
           "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
           "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    container = run.start(engine, backend_image, run.run_settings(task, container_def) + ["--cap-drop", "ALL"],
                          env, network=HOST_NETWORK)
    try:
        container.wait_healthy(timeout=60)
        yield f"http://127.0.0.1:{port}", container
    finally:
        container.remove()


def test_docker_reports_healthy_and_health_check_answers(api):
    url, container = api
    assert container.health() == "healthy"
    r = requests.get(f"{url}/api/health-check", timeout=5)
    assert (r.status_code, r.json()) == (200, {"success": True})


def test_signed_in_request_is_served(api, aws, local_cognito):
    url, _ = api
    andrew = cognito.DEMO_USERS[0]
    token = cognito.sign_in(aws.url, local_cognito.client_id, andrew.email, cognito.DEMO_PASSWORD,
                            REGION)["AccessToken"]
    r = requests.get(f"{url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    assert (r.json()["handle"], r.json()["display_name"]) == (andrew.handle, andrew.name)


def test_request_without_token_is_refused(api):
    url, _ = api
    r = requests.get(f"{url}/api/me", timeout=5)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_runs_unprivileged_on_a_read_only_root(api):
    _, container = api
    status = container.exec("cat", "/proc/1/status")
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    assert fields["Uid"].split()[:2] == ["10001", "10001"]
    assert int(fields["CapEff"], 16) == 0 and int(fields["CapBnd"], 16) == 0
    probe = "import pathlib; pathlib.Path('/tmp/w').write_text('ok'); pathlib.Path('/backend-flask/w').write_text('x')"
    attempt = container.engine.docker("exec", container.id, "python", "-c", probe, check=False)
    assert attempt.returncode == 1 and "Read-only file system" in attempt.stderr, attempt.stderr


def test_final_image_carries_no_compiler_pip_or_curl(engine, backend_image):
    found = engine.docker("run", "--rm", "--label", run.LABEL, "--entrypoint", "sh", backend_image, "-c",
                          "for t in gcc cc c++ make pip pip3 curl wget; do command -v $t || true; done").stdout
    assert found.split() == [], f"tools found in the final stage: {found.split()}"


def test_image_is_built_for_fargate_x86(engine, backend_image):
    info = json.loads(engine.docker("image", "inspect", backend_image).stdout)[0]
    assert (info["Os"], info["Architecture"]) == ("linux", "amd64")
    assert info["Config"]["User"] == "10001:10001"
    assert info["Config"]["WorkingDir"] == "/backend-flask"
