"""The environment of the backend and the frontend, for every place Cruddur runs.

Each variable is named once, in devstack/templates/<service>.env; its value per place (local `make dev`,
docker compose, Gitpod, production) is worked out once, in `values()`. `make dev`, bin/backend/generate-env
and bin/frontend/generate-env all render from here, so the places cannot drift apart.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from string import Template

from devstack.moto import FAKE_CREDENTIALS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).with_name("templates")
SERVICES = ("backend-flask", "frontend-react-js")
TARGETS = ("local", "compose", "gitpod", "production")
DEFAULT_REGION = "us-east-1"
DEFAULT_PORTS = {"backend": 4567, "frontend": 3000, "aws": 5005}
MESSAGES_TABLE = "cruddur-messages"
AVATARS_BUCKET = "cruddur-avatars"  # the API's default AVATARS_BUCKET, made on the emulator by bin/s3/create-buckets
# The compose file's service names and its database password (a throwaway local container, not a secret),
# which libpq reads from PGPASSWORD so that the URL carries none.
COMPOSE_DB_URL = "postgresql://postgres@db:5432/cruddur"
COMPOSE_DB_PASSWORD = "password"
COMPOSE_AWS_URL = "http://aws-local:5005"


class MissingSetting(Exception):
    """A value the chosen place needs is not in the environment."""


def _need(env: Mapping[str, str], name: str, why: str) -> str:
    value = env.get(name, "")
    if not value:
        raise MissingSetting(f"{name} is not set ({why})")
    return value


def values(target: str, env: Mapping[str, str], stack: Mapping | None = None) -> dict[str, str]:
    """Template values for `target`. `stack` is what a running `make dev` knows (ports, provisioned ids)."""
    stack = stack or {}
    ports = {**DEFAULT_PORTS, **stack.get("ports", {})}
    region = stack.get("region") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    pool = stack.get("user_pool_id") or env.get("AWS_COGNITO_USER_POOL_ID", "")
    client = stack.get("user_pool_client_id") or env.get("AWS_COGNITO_USER_POOL_CLIENT_ID", "")
    common = {"target": target, "region": region, "user_pool_id": pool, "user_pool_client_id": client,
              "ddb_message_table": env.get("DDB_MESSAGE_TABLE") or MESSAGES_TABLE, "pg_password": ""}

    if target in ("local", "gitpod", "compose"):
        aws_inside = COMPOSE_AWS_URL if target == "compose" else f"http://127.0.0.1:{ports['aws']}"
        if target == "gitpod":
            # Gitpod serves each port of the workspace at https://<port>-<workspace host>.
            host = _need(env, "GITPOD_WORKSPACE_URL", "Gitpod sets it in every workspace").split("://")[-1]
            public = {name: f"https://{port}-{host}" for name, port in ports.items()}
        else:
            public = {name: f"http://localhost:{port}" for name, port in ports.items()}
        connection_url = COMPOSE_DB_URL if target == "compose" else (
            stack.get("connection_url") or env.get("CONNECTION_URL", ""))
        return {**common, "cruddur_env": "development", "connection_url": connection_url,
                "pg_password": COMPOSE_DB_PASSWORD if target == "compose" else "",
                "frontend_url": public["frontend"], "backend_url": public["backend"],
                "aws_endpoint_url": aws_inside, "cognito_endpoint": public["aws"],
                # Browsers read avatars from, and post uploads to, the emulator where they reach it; the API
                # signs their uploads for that address.
                "avatars_url": f"{public['aws']}/{AVATARS_BUCKET}", "avatar_uploads_url": public["aws"],
                "avatar_uploads_endpoint_url": public["aws"],
                # The emulator's stand-in keys; real AWS would refuse them.
                "aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "jwks_url": f"{aws_inside}/{pool}/.well-known/jwks.json" if pool else ""}

    if target == "production":
        why = "production values come from the environment"
        return {**common, "cruddur_env": "production",
                "region": _need(env, "AWS_DEFAULT_REGION", why),
                "user_pool_id": _need(env, "AWS_COGNITO_USER_POOL_ID", why),
                "user_pool_client_id": _need(env, "AWS_COGNITO_USER_POOL_CLIENT_ID", why),
                "frontend_url": _need(env, "FRONTEND_URL", why),
                "backend_url": _need(env, "BACKEND_URL", why),
                "avatars_url": _need(env, "AVATARS_URL", why),
                "avatar_uploads_url": _need(env, "AVATAR_UPLOADS_URL", why), "avatar_uploads_endpoint_url": "",
                # Secrets reach the task from SSM (/cruddur/<env>/backend-flask/CONNECTION_URL), never a file.
                "connection_url": "",
                # Real AWS: boto3's own endpoints and Cognito's own key set.
                "aws_endpoint_url": "", "cognito_endpoint": "", "jwks_url": "",
                # The task role gives the credentials.
                "aws_access_key_id": "", "aws_secret_access_key": ""}

    raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")


def render(service: str, template_values: Mapping[str, str]) -> str:
    """The env file for `service`; lines whose value came out empty are left out."""
    text = Template((TEMPLATES / f"{service}.env").read_text()).substitute(template_values)
    return "".join(line + "\n" for line in text.splitlines() if not line.endswith("="))


def parse(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def variables(service: str, template_values: Mapping[str, str]) -> dict[str, str]:
    return parse(render(service, template_values))


def load_stack(root: Path) -> dict:
    """What the last `make dev` recorded in .state/dev.json (ports, connection URL, Cognito ids)."""
    path = root / ".state" / "dev.json"
    return json.loads(path.read_text()) if path.exists() else {}


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(prog="generate-env", description="Write a service's env file.")
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("target", nargs="?", default="local", choices=TARGETS)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    env = dict(os.environ if env is None else env)
    stack = load_stack(root) if args.target in ("local", "gitpod") else {}
    try:
        text = render(args.service, values(args.target, env, stack))
    except MissingSetting as err:
        print(f"generate-env: {err}", file=sys.stderr)
        return 1
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
