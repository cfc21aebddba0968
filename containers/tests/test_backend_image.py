"""The production API image, run with its ECS task definition's settings against a real PostgreSQL and the
local AWS emulator. The settings (user, read-only root, scratch /tmp, environment, the CONNECTION_URL secret
fetched from SSM by its ARN as the ECS agent does) come from aws/task-definitions/backend-flask.json; the
two departures the emulator forces are named in containers/stack.py.
"""
from __future__ import annotations

import json
import re

import pytest
import requests

from containers import bench, images, run, stack
from devstack import cognito
from devstack.net import free_port

SERVICE = "backend-flask"


@pytest.fixture(scope="module")
def api(engine, backend_image, database, aws, local_cognito):
    task = run.task_definition(SERVICE)
    container_def = run.container_definition(task, SERVICE)
    variables = stack.backend_variables(local_cognito)
    secrets = stack.backend_secrets(aws.url, database, container_def, variables)
    stack.migrate(engine, backend_image, secrets["CONNECTION_URL"])
    port = free_port()
    env = stack.backend_environment(container_def, variables, secrets, aws.url, local_cognito, port)
    container = run.start(engine, backend_image, run.run_settings(task, container_def), env,
                          network=stack.HOST_NETWORK)
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
    # bin/serve is the container's process; nginx answers in front of gunicorn (docs/api.md, "Serving")
    assert r.headers["Server"] == "nginx"
    assert container.exec("cat", "/proc/1/cmdline").split("\0")[:2] == ["python", "/backend-flask/bin/serve"]


def test_signed_in_request_is_served(api, aws, local_cognito):
    url, _ = api
    andrew = cognito.DEMO_USERS[0]
    token = cognito.sign_in(aws.url, local_cognito.client_id, andrew.email, cognito.DEMO_PASSWORD,
                            stack.REGION)["AccessToken"]
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


def test_image_adds_no_more_than_its_budget_over_its_base(engine, backend_image):
    budget = bench.TARGETS["backend-flask"]["added_mb"]
    added, _ = bench.added_bytes(engine, images.BACKEND, backend_image)
    assert added <= budget * bench.MB, \
        f"backend-flask adds {added / bench.MB:.1f} MB over its base (budget {budget} MB)"


def test_the_documented_one_off_migration_is_the_command_this_image_runs(api):
    """The `api` fixture migrated its database with stack.MIGRATE inside the image; the docs print the same."""
    shown = " ".join(stack.MIGRATE)
    for doc in ("docs/deploy.md", "ops/README.md"):
        commands = re.findall(r"bin/backend/run -- ([^`#|\n]+)", (images.ROOT / doc).read_text())
        assert [c.strip() for c in commands] == [shown], f"{doc} prints {commands}, the image runs {shown}"
