"""The ops config: aws/ops.toml (the files of each service, the default environment) and the environment
file aws/environments/<name>.toml of the environment a command acts on, with the names that follow from it."""
from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cruddur_ops.errors import OpsError

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = "aws/ops.toml"
ENVIRONMENTS = "aws/environments"
# Which environment a command acts on when --env does not say (CRUDDUR_ENV is the API's development/production).
ENVIRONMENT_VARIABLE = "CRUDDUR_ENVIRONMENT"
# Short enough that the longest name built from it, the target group cruddur-<env>-backend-alt, fits AWS's 32.
ENVIRONMENT_NAME = re.compile(r"[a-z][a-z0-9]{0,11}")


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    task_definition: Path
    service_definition: Path
    container: str
    repository: str
    dockerfile: Path
    context: Path
    # The one-off command `deploy` runs on the new task definition before rolling it out (empty: none).
    migrate: tuple[str, ...] = ()
    # strategy = "blue-green": this file (aws/json/blue-green-<service>.json) is laid over the service file.
    blue_green: Path | None = None
    # Min/max tasks and target-tracking policies (cruddur_ops.scaling), applied by deploy; None: fixed count.
    scaling: Path | None = None


@dataclass(frozen=True)
class Environment:
    """One Cruddur (staging, prod, ...) from aws/environments/<name>.toml. Every name of its own resources is
    `cruddur-<name>...` (paths `/cruddur/<name>/...`), the rule the templates follow with their Environment
    parameter; the registry, the release key and the guardrails belong to the account and serve them all."""

    name: str
    region: str | None = None
    # CloudFormation parameters of each stack, as `cfn-deploy` passes them (-p overrides one).
    parameters: dict[str, dict[str, str]] = field(default_factory=dict)
    # Values of the ${PLACEHOLDER}s in aws/task-definitions and aws/json; numbers stay numbers.
    placeholders: dict[str, str | int] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"cruddur-{self.name}"


@dataclass(frozen=True)
class DatabaseConfig:
    """What `verify` needs for the connection budget: the RDS instance, and what stays outside the services."""

    instance: str
    reserve: int = 10
    one_off_connections: int = 2


@dataclass(frozen=True)
class OpsConfig:
    root: Path
    region: str
    cluster: str
    environment: Environment
    services: dict[str, ServiceConfig] = field(default_factory=dict)
    # Folders of aws/cfn whose outputs fill placeholders (deployed names: cruddur_ops.cfn_stacks.stack_name).
    stacks: list[str] = field(default_factory=list)
    # KMS keys whose release signatures are trusted; the first one signs (more than one during a rotation).
    signing_keys: list[str] = field(default_factory=list)
    # How many task definition revisions a successful deploy keeps per family (0: all of them).
    keep_revisions: int = 0
    # The services `deploy --all` deploys, in this order; `deploy` with no service does the same when
    # deploy_all_by_default is true.
    release: list[str] = field(default_factory=list)
    deploy_all_by_default: bool = False
    # A new deployment whose tasks stopped this many times for the same reason is rolled back at once.
    crash_loop_stops: int = 3
    database: DatabaseConfig | None = None

    def service(self, name: str) -> ServiceConfig:
        try:
            return self.services[name]
        except KeyError:
            known = ", ".join(sorted(self.services)) or "none"
            raise OpsError(f"unknown service {name!r} (known in {CONFIG_FILE}: {known})") from None


def read_toml(path: Path, what: str) -> dict:
    """A TOML file of the repository; a missing or malformed one is an OpsError naming it."""
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise OpsError(f"{path}: {what} missing") from None
    except tomllib.TOMLDecodeError as e:
        raise OpsError(f"{path}: {e}") from None


def _count(value, path: Path, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OpsError(f"{path}: {key} must be a whole number, 0 or more")
    return value


def _positive(value, path: Path, key: str) -> int:
    if _count(value, path, key) == 0:
        raise OpsError(f"{path}: {key} must be 1 or more")
    return value


STRATEGIES = ("rolling", "blue-green")


def _strategy(value, root: Path, name: str, path: Path) -> Path | None:
    if value not in STRATEGIES:
        raise OpsError(f"{path}: [services.{name}] strategy must be one of {', '.join(STRATEGIES)}, not {value!r}")
    if value == "rolling":
        return None
    overlay = root / f"aws/json/blue-green-{name}.json"
    if not overlay.exists():
        raise OpsError(f"{path}: [services.{name}] strategy is blue-green but {overlay.relative_to(root)} is missing")
    return overlay


def _database(table: dict, path: Path, environment: Environment) -> DatabaseConfig:
    defaults = DatabaseConfig(instance=f"{environment.prefix}-db")  # the data stack's DBInstanceIdentifier
    return dataclasses.replace(
        defaults,
        reserve=_count(table.get("reserve", defaults.reserve), path, "database.reserve"),
        one_off_connections=_count(table.get("one_off_connections", defaults.one_off_connections), path,
                                   "database.one_off_connections"),
    )


def _command(value, path: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(word, str) and word for word in value):
        raise OpsError(f"{path}: {key} must be a list of words, e.g. [\"python\", \"-m\", \"tool\"]")
    return tuple(value)


def _flag(value, path: Path, key: str) -> bool:
    if not isinstance(value, bool):
        raise OpsError(f"{path}: {key} must be true or false")
    return value


def _release(value, services: dict, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise OpsError(f"{path}: release must be a list of service names")
    unknown = [name for name in value if name not in services]
    if unknown or len(set(value)) != len(value):
        raise OpsError(f"{path}: release names {', '.join(unknown) or 'a service twice'}: "
                       f"each of [services.*] at most once")
    return list(value)


def known_environments(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / ENVIRONMENTS).glob("*.toml"))


def _table(value, path: Path, key: str) -> dict:
    if not isinstance(value, dict):
        raise OpsError(f"{path}: {key} must be a table")
    return value


def load_environment(root: Path, name: str) -> Environment:
    """aws/environments/<name>.toml; an unknown name is refused with the known ones."""
    path = root / ENVIRONMENTS / f"{name}.toml"
    if not ENVIRONMENT_NAME.fullmatch(name) or not path.is_file():
        raise OpsError(f"unknown environment {name!r} (known in {ENVIRONMENTS}: "
                       f"{', '.join(known_environments(root)) or 'none'}; a name is 1-12 of a-z and 0-9)")
    raw = read_toml(path, "environment file")
    unknown = sorted(set(raw) - {"region", "stacks", "placeholders"})
    if unknown:
        raise OpsError(f"{path}: unknown key {', '.join(unknown)} (region, [stacks.<stack>], [placeholders])")
    stacks = _table(raw.get("stacks", {}), path, "stacks")
    placeholders = _table(raw.get("placeholders", {}), path, "placeholders")
    for key, value in placeholders.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise OpsError(f"{path}: placeholders.{key} must be a string or a whole number")
    return Environment(
        name=name,
        region=raw.get("region"),
        parameters={stack: {key: str(value) for key, value in _table(table, path, f"stacks.{stack}").items()}
                    for stack, table in stacks.items()},
        placeholders=dict(placeholders),
    )


def load(root: Path = ROOT, environ=os.environ, environment: str | None = None) -> OpsConfig:
    """The config for `environment` (else CRUDDUR_ENVIRONMENT, else aws/ops.toml's `environment`)."""
    path = root / CONFIG_FILE
    raw = read_toml(path, "config file")
    env = load_environment(root, environment or environ.get(ENVIRONMENT_VARIABLE) or raw.get("environment", ""))
    services = {}
    for name, table in raw.get("services", {}).items():
        try:
            services[name] = ServiceConfig(
                name=name,
                task_definition=root / table["task_definition"],
                service_definition=root / table["service_definition"],
                container=table["container"],
                repository=table["repository"],
                dockerfile=root / table["dockerfile"],
                context=root / table["context"],
                migrate=_command(table.get("migrate", []), path, f"[services.{name}] migrate"),
                blue_green=_strategy(table.get("strategy", "rolling"), root, name, path),
                scaling=root / table["scaling"] if "scaling" in table else None,
            )
        except KeyError as e:
            raise OpsError(f"{path}: [services.{name}] lacks {e.args[0]}") from None
    return OpsConfig(
        root=root,
        region=env.region or environ.get("AWS_DEFAULT_REGION") or raw.get("region", "us-east-1"),
        cluster=env.prefix,
        environment=env,
        services=services,
        stacks=list(raw.get("stacks", [])),
        signing_keys=list(raw.get("signing_keys", [])),
        keep_revisions=_count(raw.get("keep_revisions", 0), path, "keep_revisions"),
        release=_release(raw.get("release", list(services)), services, path),
        deploy_all_by_default=_flag(raw.get("deploy_all_by_default", False), path, "deploy_all_by_default"),
        crash_loop_stops=_positive(raw.get("crash_loop_stops", 3), path, "crash_loop_stops"),
        database=_database(raw.get("database", {}), path, env),
    )
