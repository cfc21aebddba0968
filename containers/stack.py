"""The real services a production image is run against here, and the environment that points it at them.

Shared by the proof (containers/tests) and the bench, so both run the images exactly the same way.
"""
from __future__ import annotations

import tomllib

import boto3

from containers import run
from containers.engine import Engine
from devstack import cognito
from devstack.moto import FAKE_CREDENTIALS

REGION = FAKE_CREDENTIALS["AWS_DEFAULT_REGION"]
ACCOUNT_ID = "123456789012"  # the emulator's account
HOST_NETWORK = ["--network", "host"]
# The task definitions render as for aws/ops.toml's default environment: its parameter path, its table name.
ENVIRONMENT = tomllib.loads((run.ROOT / "aws" / "ops.toml").read_text())["environment"]
FRONTEND_RUNTIME = {
    "BACKEND_URL": "https://api.cruddur.example",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_COGNITO_USER_POOL_ID": "eu-west-2_Proof1234",
    "AWS_COGNITO_USER_POOL_CLIENT_ID": "5proofclient6789",
    "AVATARS_URL": "https://d111111abcdef8.cloudfront.net",
    "AVATAR_UPLOADS_URL": "https://cruddur-staging-avatar-uploads-123456789012.s3.eu-west-2.amazonaws.com",
}


def aws_client(aws_url: str, service: str):
    return boto3.client(service, endpoint_url=aws_url, region_name=REGION,
                        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"])


def backend_variables(local: cognito.LocalCognito) -> dict[str, str]:
    """Values for the ${...} placeholders of aws/task-definitions/backend-flask.json."""
    return {"CRUDDUR_ENVIRONMENT": ENVIRONMENT,
            "FRONTEND_URL": "http://localhost:3000", "BACKEND_URL": "http://localhost:4567",
            "AWS_DEFAULT_REGION": REGION, "AWS_ACCOUNT_ID": ACCOUNT_ID,
            "AWS_COGNITO_USER_POOL_ID": local.user_pool_id, "AWS_COGNITO_USER_POOL_CLIENT_ID": local.client_id,
            # the buckets are never reached: the proof signs in and reads, it changes no one's picture
            "AVATAR_UPLOADS_BUCKET": "cruddur-avatar-uploads", "AVATARS_BUCKET": "cruddur-avatars",
            "AVATARS_URL": "http://127.0.0.1:5005/cruddur-avatars"}


def backend_secrets(aws_url: str, database_url: str, container_def: dict, variables: dict[str, str]) -> dict:
    """The task's secrets, stored in SSM as deploy does and read back by ARN as the ECS agent does."""
    ssm = aws_client(aws_url, "ssm")
    ssm.put_parameter(Name=f"/cruddur/{ENVIRONMENT}/backend-flask/CONNECTION_URL", Value=database_url,
                      Type="SecureString", Overwrite=True)
    return {s["name"]: ssm.get_parameter(Name=run.render(s["valueFrom"], variables),
                                         WithDecryption=True)["Parameter"]["Value"]
            for s in container_def["secrets"]}


def backend_environment(container_def: dict, variables: dict, secrets: dict, aws_url: str,
                        local: cognito.LocalCognito, port: int) -> dict[str, str]:
    """The task definition's environment, with two departures because this is the emulator, not AWS:
    CRUDDUR_ENV is `test` (production settings refuse AWS_ENDPOINT_URL, by design) and PORT is a free port
    (host network, shared with other suites). The emulator's endpoints and stand-in keys are added."""
    return {**run.environment(container_def, variables), **secrets,
            "CRUDDUR_ENV": "test", "PORT": str(port), "AWS_ENDPOINT_URL": aws_url,
            "AWS_COGNITO_JWKS_URL": local.jwks_url,
            "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}


# What the image runs to apply the schema: the command docs/deploy.md and ops/README.md give to
# `bin/backend/run` for a one-off task (tests/test_backend_image.py holds them to it).
MIGRATE = ("python", "-m", "cruddur.admin", "db", "migrate")


def migrate(engine: Engine, image: str, database_url: str) -> None:
    """Schema applied by the image itself, as a one-off task on its definition would."""
    engine.docker("run", "--rm", "--label", run.LABEL, *HOST_NETWORK, "-e", "CONNECTION_URL", image,
                  *MIGRATE, env={"CONNECTION_URL": database_url})
