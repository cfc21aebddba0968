"""The production web-app image, run with its task definition's settings and a runtime configuration."""
from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from containers import run, stack
from devstack.net import free_port

ENTRYPOINT = Path(__file__).resolve().parents[2] / "frontend-react-js" / "container" / "entrypoint"

SERVICE = "frontend-react-js"


@pytest.fixture(scope="module")
def task():
    return run.task_definition(SERVICE)


@pytest.fixture(scope="module")
def web(engine, frontend_image, task):
    """One container for the module, on a network of its own with the web port published on 127.0.0.1
    (awsvpc's nearest local twin)."""
    network = f"cruddur-proof-{uuid.uuid4().hex[:8]}"
    port = free_port()
    container_def = run.container_definition(task, SERVICE)
    # The task definition's environment with this test's values, plus the optional emulator endpoint.
    env = {**run.environment(container_def, stack.FRONTEND_RUNTIME),
           "AWS_COGNITO_ENDPOINT": "http://127.0.0.1:5005"}
    engine.docker("network", "create", network)
    container = None
    try:
        container = run.start(engine, frontend_image, run.run_settings(task, container_def), env,
                              network=["--network", network, "-p", f"127.0.0.1:{port}:3000"])
        container.wait_healthy(timeout=60)
        yield f"http://127.0.0.1:{port}", container, env
    finally:
        if container:
            container.remove()
        engine.docker("network", "rm", network, check=False)


def test_config_json_is_written_from_the_environment_and_never_cached(web):
    url, _, env = web
    r = requests.get(f"{url}/config.json", timeout=5)
    assert r.status_code == 200
    assert r.json() == {"backendUrl": env["BACKEND_URL"], "region": env["AWS_DEFAULT_REGION"],
                        "userPoolId": env["AWS_COGNITO_USER_POOL_ID"],
                        "userPoolClientId": env["AWS_COGNITO_USER_POOL_CLIENT_ID"],
                        "cognitoEndpoint": env["AWS_COGNITO_ENDPOINT"]}
    assert r.headers["Cache-Control"] == "no-cache"


def test_deep_link_returns_the_app_shell(web):
    url, _, _ = web
    home = requests.get(f"{url}/", timeout=5)
    deep = requests.get(f"{url}/@andrewbrown/status/{uuid.uuid4()}", timeout=5)
    assert (deep.status_code, deep.headers["Content-Type"]) == (200, "text/html")
    assert deep.text == home.text and 'id="root"' in deep.text
    assert deep.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_immutable_and_gzipped(web):
    url, _, _ = web
    index = requests.get(f"{url}/", timeout=5).text
    script = re.search(r'src="(/assets/[^"]+\.js)"', index)
    assert script, f"index.html names no hashed script:\n{index}"
    r = requests.get(url + script.group(1), headers={"Accept-Encoding": "gzip"}, timeout=5)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Content-Encoding"] == "gzip"
    missing = requests.get(f"{url}/assets/not-built-{uuid.uuid4().hex}.js", timeout=5)
    assert missing.status_code == 404, "a missing asset must not fall back to the app shell"


def test_security_headers_allow_exactly_the_configured_endpoints(web):
    url, _, env = web
    headers = requests.get(f"{url}/", timeout=5).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["connect-src"].split() == [
        "'self'", env["BACKEND_URL"], f"https://cognito-idp.{env['AWS_DEFAULT_REGION']}.amazonaws.com",
        env["AWS_COGNITO_ENDPOINT"], env["AVATAR_UPLOADS_URL"]]
    assert policy["img-src"].split() == ["'self'", "data:", env["AVATARS_URL"] + "/"]


def test_health_location_answers_for_the_target_group(web):
    url, _, _ = web
    r = requests.get(f"{url}/health-check", timeout=5)
    assert (r.status_code, r.text) == (200, "ok\n")


def test_runs_as_non_root_on_a_read_only_root(web):
    _, container, _ = web
    assert container.exec("id", "-u").strip() == "10001"
    attempt = container.engine.docker("exec", container.id, "touch", "/usr/share/nginx/html/x", check=False)
    assert attempt.returncode != 0 and "Read-only file system" in attempt.stderr


@pytest.mark.parametrize("change, message", [
    ({"BACKEND_URL": ""}, "BACKEND_URL is required"),
    ({"BACKEND_URL": 'https://x.example"; script-src *'}, "BACKEND_URL has an unexpected value"),
    ({"AWS_COGNITO_USER_POOL_CLIENT_ID": "bad id"}, "AWS_COGNITO_USER_POOL_CLIENT_ID has an unexpected value"),
    ({"BACKEND_URL": "https://x.example\nadd_header X-Injected 1;"}, "BACKEND_URL contains a control character"),
    ({"AVATARS_URL": "https://x.example; img-src *"}, "AVATARS_URL has an unexpected value"),
])
def test_bad_runtime_config_stops_the_container_with_the_variable_named(engine, frontend_image, task, change,
                                                                        message):
    container_def = run.container_definition(task, SERVICE)
    env = {**run.environment(container_def, stack.FRONTEND_RUNTIME), **change}
    names = [flag for name in env for flag in ("-e", name)]
    r = engine.docker("run", "--rm", "--label", run.LABEL, *run.run_settings(task, container_def), *names,
                      frontend_image, env=env, check=False)
    assert r.returncode == 64
    assert f"entrypoint: {message}" in r.stderr


@pytest.mark.parametrize("name", ["BACKEND_URL", "AWS_DEFAULT_REGION", "AWS_COGNITO_USER_POOL_ID",
                                  "AWS_COGNITO_USER_POOL_CLIENT_ID", "AWS_COGNITO_ENDPOINT", "AVATARS_URL",
                                  "AVATAR_UPLOADS_URL"])
@pytest.mark.parametrize("control", ["\n", "\r", "\t", "\x1b", "\x7f"], ids=repr)
def test_the_entrypoint_refuses_a_control_character_in_every_value_it_writes(task, name, control):
    """Run where the image runs it (/bin/sh is dash on Debian, as in the nginx image), without an engine:
    the refusal comes before anything is written. grep alone checked each line of a value on its own."""
    env = {**run.environment(run.container_definition(task, SERVICE), stack.FRONTEND_RUNTIME),
           "AWS_COGNITO_ENDPOINT": "http://127.0.0.1:5005", "PATH": os.environ["PATH"]}
    env[name] = env[name] + control + "add_header X-Injected 1;"
    r = subprocess.run(["/bin/sh", str(ENTRYPOINT), "true"], env=env, capture_output=True, text=True, timeout=10)
    assert (r.returncode, r.stderr) == (64, f"entrypoint: {name} contains a control character\n")
