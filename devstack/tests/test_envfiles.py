"""One template per service, one value per place: what each place's env file holds."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from containers import aws_local
from devstack import envfiles
from devstack.cognito import LocalCognito

REPO = Path(__file__).resolve().parents[2]
STACK = {"ports": {"backend": 14567, "frontend": 13000, "aws": 15005}, "region": "eu-west-2",
         "connection_url": "postgresql://postgres@127.0.0.1:15432/cruddur",
         "user_pool_id": "eu-west-2_pool", "user_pool_client_id": "client123"}
PRODUCTION_ENV = {"AWS_DEFAULT_REGION": "ca-central-1", "AWS_COGNITO_USER_POOL_ID": "ca-central-1_Real",
                  "AWS_COGNITO_USER_POOL_CLIENT_ID": "realclient", "FRONTEND_URL": "https://cruddur.example",
                  "BACKEND_URL": "https://api.cruddur.example", "AVATARS_URL": "https://avatars.cruddur.example",
                  "AVATAR_UPLOADS_URL": "https://cruddur-prod-avatar-uploads.s3.ca-central-1.amazonaws.com"}
# The backend's environment contract (shared/HOUSE.md) plus the emulator's stand-in keys.
BACKEND_CONTRACT = {"CRUDDUR_ENV", "CONNECTION_URL", "FRONTEND_URL", "BACKEND_URL", "AWS_DEFAULT_REGION",
                    "AWS_COGNITO_USER_POOL_ID", "AWS_COGNITO_USER_POOL_CLIENT_ID", "AWS_COGNITO_JWKS_URL",
                    "AWS_ENDPOINT_URL", "DDB_MESSAGE_TABLE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                    "PGPASSWORD", "AVATARS_URL", "AVATAR_UPLOADS_ENDPOINT_URL"}


def test_local_backend_points_at_the_dev_cluster_and_the_emulator():
    assert envfiles.variables("backend-flask", envfiles.values("local", {}, STACK)) == {
        "CRUDDUR_ENV": "development",
        "CONNECTION_URL": "postgresql://postgres@127.0.0.1:15432/cruddur",
        "FRONTEND_URL": "http://localhost:13000",
        "BACKEND_URL": "http://localhost:14567",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_COGNITO_USER_POOL_ID": "eu-west-2_pool",
        "AWS_COGNITO_USER_POOL_CLIENT_ID": "client123",
        "AWS_COGNITO_JWKS_URL": "http://127.0.0.1:15005/eu-west-2_pool/.well-known/jwks.json",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:15005",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "DDB_MESSAGE_TABLE": "cruddur-messages",
        "AVATARS_URL": "http://localhost:15005/cruddur-avatars",
        "AVATAR_UPLOADS_ENDPOINT_URL": "http://localhost:15005",
    }


def test_local_frontend_gets_the_browser_facing_addresses():
    assert envfiles.variables("frontend-react-js", envfiles.values("local", {}, STACK)) == {
        "BACKEND_URL": "http://localhost:14567",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_COGNITO_USER_POOL_ID": "eu-west-2_pool",
        "AWS_COGNITO_USER_POOL_CLIENT_ID": "client123",
        "AWS_COGNITO_ENDPOINT": "http://localhost:15005",
        "AVATARS_URL": "http://localhost:15005/cruddur-avatars",
        "AVATAR_UPLOADS_URL": "http://localhost:15005",
    }


def test_gitpod_uses_the_workspace_port_urls_for_everything_the_browser_reaches():
    site = envfiles.values("gitpod", {"GITPOD_WORKSPACE_URL": "https://cruddur-abc.ws-eu1.gitpod.io"}, STACK)
    backend = envfiles.variables("backend-flask", site)
    frontend = envfiles.variables("frontend-react-js", site)
    assert (backend["FRONTEND_URL"], backend["BACKEND_URL"]) == (
        "https://13000-cruddur-abc.ws-eu1.gitpod.io", "https://14567-cruddur-abc.ws-eu1.gitpod.io")
    assert frontend["AWS_COGNITO_ENDPOINT"] == "https://15005-cruddur-abc.ws-eu1.gitpod.io"
    # the API reaches the emulator inside the workspace, not through the public proxy
    assert backend["AWS_ENDPOINT_URL"] == "http://127.0.0.1:15005"


def test_gitpod_without_its_workspace_url_names_the_variable():
    with pytest.raises(envfiles.MissingSetting, match="GITPOD_WORKSPACE_URL is not set"):
        envfiles.values("gitpod", {}, STACK)


def test_compose_reaches_the_services_by_their_compose_names():
    backend = envfiles.variables("backend-flask", envfiles.values("compose", {}))
    assert backend["CONNECTION_URL"] == "postgresql://postgres@db:5432/cruddur"
    assert backend["PGPASSWORD"] == "password"
    assert backend["AWS_ENDPOINT_URL"] == "http://aws-local:5005"
    assert backend["FRONTEND_URL"] == "http://localhost:3000"


def test_production_has_no_emulator_no_fake_keys_and_no_secret():
    backend = envfiles.variables("backend-flask", envfiles.values("production", PRODUCTION_ENV))
    assert backend == {"CRUDDUR_ENV": "production", "FRONTEND_URL": "https://cruddur.example",
                       "BACKEND_URL": "https://api.cruddur.example", "AWS_DEFAULT_REGION": "ca-central-1",
                       "AWS_COGNITO_USER_POOL_ID": "ca-central-1_Real",
                       "AWS_COGNITO_USER_POOL_CLIENT_ID": "realclient", "DDB_MESSAGE_TABLE": "cruddur-messages",
                       "AVATARS_URL": "https://avatars.cruddur.example"}
    frontend = envfiles.variables("frontend-react-js", envfiles.values("production", PRODUCTION_ENV))
    assert "AWS_COGNITO_ENDPOINT" not in frontend and frontend["BACKEND_URL"] == "https://api.cruddur.example"
    assert (frontend["AVATARS_URL"], frontend["AVATAR_UPLOADS_URL"]) == (
        "https://avatars.cruddur.example", "https://cruddur-prod-avatar-uploads.s3.ca-central-1.amazonaws.com")


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_names_each_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    with pytest.raises(envfiles.MissingSetting, match=f"^{missing} is not set"):
        envfiles.values("production", env)


@pytest.mark.parametrize("target", envfiles.TARGETS)
def test_every_backend_variable_is_one_of_the_contract_names(target):
    env = {**PRODUCTION_ENV, "GITPOD_WORKSPACE_URL": "https://w.gitpod.io"}
    assert set(envfiles.variables("backend-flask", envfiles.values(target, env, STACK))) <= BACKEND_CONTRACT


def run_door(service: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The system Python on a bare PATH: the door works before `make setup` has built .venv.
    return subprocess.run([str(REPO / "bin" / service / "generate-env"), *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, timeout=30)


def test_generate_env_writes_the_file_it_is_given(tmp_path):
    out = tmp_path / "backend-flask.env"
    result = run_door("backend", "compose", "-o", str(out), env={})
    assert result.returncode == 0, result.stderr
    assert envfiles.parse(out.read_text())["CONNECTION_URL"] == envfiles.COMPOSE_DB_URL
    assert out.read_text().startswith("# Backend settings (compose).")


def test_generate_env_for_production_without_settings_fails_naming_the_first_missing():
    result = run_door("frontend", "production", env={})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("generate-env: AWS_DEFAULT_REGION is not set "
                             "(production values come from the environment)\n")


def test_generate_env_local_reads_what_the_running_stack_recorded(tmp_path):
    (tmp_path / ".state").mkdir()
    (tmp_path / ".state" / "dev.json").write_text(json.dumps(STACK))
    out = tmp_path / "frontend.env"
    code = envfiles.main(["frontend-react-js", "local", "-o", str(out)], env={}, root=tmp_path)
    assert code == 0
    assert envfiles.parse(out.read_text())["AWS_COGNITO_USER_POOL_CLIENT_ID"] == "client123"


def _compose_environment(service: str) -> dict[str, str]:
    """A service's environment in docker-compose.yml, with ${VAR:-default} at its default."""
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    environment = compose["services"][service]["environment"]
    return {name: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)) for name, value in environment.items()}


def _provisioned_at_start() -> set[str]:
    # what compose's services read from aws-local's file when they start, not from docker-compose.yml
    written = aws_local.env_file(LocalCognito("us-east-1_pool", "client", "http://127.0.0.1:5005/jwks.json"),
                                 "us-east-1", "http://aws-local:5005", "http://127.0.0.1:5005")
    return {line.removeprefix("export ").split("=", 1)[0] for line in written.splitlines()}


@pytest.mark.parametrize("service", envfiles.SERVICES)
def test_docker_compose_sets_what_the_compose_env_file_holds(service):
    generated = envfiles.variables(service, envfiles.values("compose", {}))
    static = {name: value for name, value in generated.items() if name not in _provisioned_at_start()}
    compose = _compose_environment(service)
    assert {name: compose.get(name) for name in static} == static
    assert set(compose) - set(generated) == set(), "docker-compose.yml sets variables the templates do not name"
