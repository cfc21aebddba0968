"""Fixtures: the AWS emulator (moto server over HTTP, one per session, reset per test), an `Aws` that
reaches it exactly as production does, and `cli`, which runs the real command line and captures it."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from cruddur_ops.aws import Aws
from cruddur_ops.cli import Runtime, main
from devstack.moto import FAKE_CREDENTIALS, MotoServer

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    server = MotoServer.start(log=tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch) -> Aws:
    """A clean emulator account; clients built by cruddur_ops.aws with AWS_ENDPOINT_URL set."""
    moto_server.reset()
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    return Aws.from_env(REGION)


class FakeClock:
    """Monotonic time that moves only when the code under test sleeps."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(clock):
    """Run `python -m cruddur_ops ...` in-process: cli(argv, aws=..., environ=..., root=...)."""

    def run(argv: list[str], **runtime) -> CliResult:
        stdout, stderr = io.StringIO(), io.StringIO()
        runtime.setdefault("clock", clock)
        runtime.setdefault("sleep", clock.sleep)
        runtime.setdefault("tty", False)
        code = main(argv, Runtime(stdout=stdout, stderr=stderr, **runtime))
        return CliResult(code, stdout.getvalue(), stderr.getvalue())

    return run


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


# Every placeholder the files under aws/ use, as the infrastructure stacks would provide them.
STACK_VALUES = {
    "AWS_ACCOUNT_ID": ACCOUNT,
    "ECR_REGISTRY": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com",
    "IMAGE_TAG": "0123456789ab",
    "EXECUTION_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/CruddurServiceExecutionRole",
    "BACKEND_TASK_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/CruddurBackendTaskRole",
    "FRONTEND_TASK_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/CruddurFrontendTaskRole",
    "FRONTEND_URL": "https://cruddur.example.com",
    "BACKEND_URL": "https://api.cruddur.example.com",
    "AWS_COGNITO_USER_POOL_ID": "us-east-1_abcdefghi",
    "AWS_COGNITO_USER_POOL_CLIENT_ID": "5ldvhg4k2mcdg0pbb0k4a1p0bb",
    "PRIVATE_SUBNET_IDS": "subnet-0aaa,subnet-0bbb",
    "BACKEND_SECURITY_GROUP_ID": "sg-0backend",
    "FRONTEND_SECURITY_GROUP_ID": "sg-0frontend",
    "BACKEND_TARGET_GROUP_ARN": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/cruddur-backend/1",
    "FRONTEND_TARGET_GROUP_ARN": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/cruddur-frontend/2",
}


def var_flags(values: dict) -> list[str]:
    return [arg for name, value in values.items() for arg in ("--var", f"{name}={value}")]
