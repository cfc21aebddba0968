"""bin/parameters/put: env file -> SSM SecureString under /cruddur/staging/backend-flask/, never printing a value."""
from __future__ import annotations

import pytest

SECRETS = {"CONNECTION_URL": "postgresql://cruddurroot:s3cr3t-pa55@db.internal:5432/cruddur",
           "ROLLBAR_ACCESS_TOKEN": "tok-0123456789abcdef"}


def test_put_stores_secure_strings_and_prints_only_names(cli, aws, tmp_path):
    env = tmp_path / ".env.prod"
    env.write_text("# production secrets\n"
                   f"CONNECTION_URL={SECRETS['CONNECTION_URL']}\n\n"
                   f"export ROLLBAR_ACCESS_TOKEN=\"{SECRETS['ROLLBAR_ACCESS_TOKEN']}\"\n")
    result = cli(["parameters-put", str(env)], aws=aws)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "/cruddur/staging/backend-flask/CONNECTION_URL  SecureString  version 1",
        "/cruddur/staging/backend-flask/ROLLBAR_ACCESS_TOKEN  SecureString  version 1",
    ]
    for key, value in SECRETS.items():
        assert value not in result.stdout + result.stderr
        stored = aws.ssm.get_parameter(Name=f"/cruddur/staging/backend-flask/{key}", WithDecryption=True)["Parameter"]
        assert (stored["Type"], stored["Value"]) == ("SecureString", value)


def test_put_again_overwrites_with_a_new_version(cli, aws, tmp_path):
    env = tmp_path / ".env.prod"
    env.write_text("CONNECTION_URL=first\n")
    assert cli(["parameters-put", str(env)], aws=aws).code == 0
    env.write_text("CONNECTION_URL=second\n")
    result = cli(["parameters-put", str(env)], aws=aws)
    assert result.stdout.strip() == "/cruddur/staging/backend-flask/CONNECTION_URL  SecureString  version 2"
    assert aws.ssm.get_parameter(Name="/cruddur/staging/backend-flask/CONNECTION_URL", WithDecryption=True)[
        "Parameter"]["Value"] == "second"


@pytest.mark.parametrize("text, message", [
    ("CONNECTION_URL\n", "line 1: expected NAME=value with an upper-case NAME"),
    ("# only\nlower_case=hunter2\n", "line 2: expected NAME=value with an upper-case NAME"),
    ("CONNECTION_URL=\n", "line 1: CONNECTION_URL has no value"),
    ("A=hunter2\nA=hunter3\n", "line 2: A is set twice"),
    ("# nothing\n", "no NAME=value lines"),
])
def test_bad_env_file_is_refused_without_echoing_values(cli, aws, tmp_path, text, message):
    env = tmp_path / "bad.env"
    env.write_text(text)
    result = cli(["parameters-put", str(env)], aws=aws)
    assert (result.code, result.stderr.strip()) == (1, f"error: {env}{':' if 'no NAME' in message else ''} {message}")
    assert "hunter" not in result.stderr
    assert aws.ssm.describe_parameters()["Parameters"] == []


@pytest.mark.parametrize("prefix", ["/other/", "/cruddur/prod/backend-flask/"])
def test_prefix_outside_the_environments_own_path_is_refused(cli, aws, tmp_path, prefix):
    env = tmp_path / ".env"
    env.write_text("A=b\n")
    result = cli(["parameters-put", str(env), "--prefix", prefix], aws=aws)
    assert result.code == 1
    assert result.stderr == (f"error: prefix {prefix!r} must start with /cruddur/staging/ and end with / "
                             "(the staging execution role reads only /cruddur/staging/*)\n")
    assert aws.ssm.describe_parameters()["Parameters"] == []


def test_the_env_flag_puts_into_that_environments_path(cli, aws, tmp_path):
    env = tmp_path / ".env"
    env.write_text("CONNECTION_URL=postgresql://prod\n")
    result = cli(["parameters-put", str(env), "--env", "prod"], aws=aws)
    assert (result.code, result.stdout) == (0, "/cruddur/prod/backend-flask/CONNECTION_URL  SecureString  version 1\n")


def test_put_names_each_running_service_that_must_be_rolled_to_read_the_new_value(rollout, cli, tmp_path):
    rollout.existing_service()
    rollout.existing_service("frontend-react-js")
    env = tmp_path / ".env.prod"
    env.write_text("CONNECTION_URL=rotated\nUNUSED_SETTING=1\n")
    result = cli(["parameters-put", str(env)], aws=rollout.aws)
    assert result.code == 0, result.stderr
    assert result.stderr == (
        "warning: backend-flask read /cruddur/staging/backend-flask/CONNECTION_URL when its tasks started: they "
        "keep the "
        "old value until rolled again with: bin/ecs/deploy backend-flask --force-new-deployment\n")
    assert "rotated" not in result.stdout + result.stderr
