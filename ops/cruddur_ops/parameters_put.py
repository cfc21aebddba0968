"""parameters-put: a local env file -> SSM SecureString parameters under /cruddur/<env>/backend-flask/.

Values are secrets: they go to SSM and nowhere else. Nothing here prints, logs or puts a value in an
error message; a bad line is named by its number only.

ECS reads secrets when a task starts: a running service keeps the old value until it is rolled again, so
each service whose running definition reads a parameter just put is named with the command that does it.
"""
from __future__ import annotations

import re
from pathlib import Path

from botocore.exceptions import ClientError

from cruddur_ops import context, ecs
from cruddur_ops.errors import OK, OpsError
from cruddur_ops.output import Output

HELP = "load secrets from an env file into SSM SecureString parameters (never printing a value)"
NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def configure(parser) -> None:
    parser.add_argument("env_file", type=Path, help="KEY=VALUE lines, e.g. backend-flask/.env.prod (git-ignored)")
    parser.add_argument("--prefix", help="parameter path (default /cruddur/<env>/backend-flask/)")
    parser.add_argument("--key-id", help="KMS key for the SecureStrings (default: the account's aws/ssm key)")


def run(args, ctx) -> int:
    try:
        text = args.env_file.read_text()
    except OSError as e:
        raise OpsError(f"cannot read {args.env_file}: {e.strerror}") from None
    values = parse_env(text, str(args.env_file))
    environment = ctx.config.environment.name
    prefix = args.prefix or f"/cruddur/{environment}/backend-flask/"
    put(ctx.aws.ssm, values, prefix=prefix, key_id=args.key_id, out=ctx.out, environment=environment)
    for line in running_readers(ctx, context.cluster_of(args, ctx), [prefix + key for key in values]):
        ctx.out.warn(line)
    return OK


def running_readers(ctx, cluster: str, names: list[str]) -> list[str]:
    """A line per service of aws/ops.toml whose running definition reads one of the parameters `names`."""
    lines = []
    for service_config in ctx.config.services.values():
        try:
            service = ecs.describe_service(ctx.aws.ecs, cluster, service_config.name)
        except ClientError:  # no such cluster (yet): nothing runs that could hold an old value
            return []
        if service is None or not service.running:
            continue
        definition = ecs.describe_task_definition(ctx.aws.ecs, service.task_definition) or {}
        read = sorted({name for container in definition.get("containerDefinitions", [])
                       for secret in container.get("secrets", []) for name in names
                       if secret["valueFrom"] == name or secret["valueFrom"].endswith(f":parameter{name}")})
        if read:
            lines.append(f"{service_config.name} read {', '.join(read)} when its tasks started: they keep the old "
                         f"value until rolled again with: bin/ecs/deploy {service_config.name} "
                         "--force-new-deployment")
    return lines


def parse_env(text: str, source: str = "env file") -> dict[str, str]:
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not NAME.fullmatch(key):
            raise OpsError(f"{source} line {number}: expected NAME=value with an upper-case NAME")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if not value:
            raise OpsError(f"{source} line {number}: {key} has no value")
        if key in values:
            raise OpsError(f"{source} line {number}: {key} is set twice")
        values[key] = value
    if not values:
        raise OpsError(f"{source}: no NAME=value lines")
    return values


def put(ssm, values: dict[str, str], *, prefix: str, key_id: str | None, out: Output, environment: str) -> int:
    own = f"/cruddur/{environment}/"
    if not (prefix.startswith(own) and prefix.endswith("/")):
        raise OpsError(f"prefix {prefix!r} must start with {own} and end with / "
                       f"(the {environment} execution role reads only {own}*)")
    for key, value in values.items():
        request = {"Name": prefix + key, "Value": value, "Type": "SecureString", "Overwrite": True}
        if key_id:
            request["KeyId"] = key_id
        version = ssm.put_parameter(**request)["Version"]
        out.line(f"{prefix}{key}  SecureString  version {version}")
    return OK
