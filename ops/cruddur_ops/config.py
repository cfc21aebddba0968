"""The one ops config file (aws/ops.toml): default region, cluster and the files of each service."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cruddur_ops.errors import OpsError

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = "aws/ops.toml"


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    task_definition: Path
    service_definition: Path
    container: str
    repository: str
    dockerfile: Path
    context: Path


@dataclass(frozen=True)
class OpsConfig:
    root: Path
    region: str
    cluster: str
    services: dict[str, ServiceConfig] = field(default_factory=dict)
    stacks: list[str] = field(default_factory=list)
    # KMS keys whose release signatures are trusted; the first one signs (more than one during a rotation).
    signing_keys: list[str] = field(default_factory=list)
    # How many task definition revisions a successful deploy keeps per family (0: all of them).
    keep_revisions: int = 0

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


def load(root: Path = ROOT, environ=os.environ) -> OpsConfig:
    path = root / CONFIG_FILE
    raw = read_toml(path, "config file")
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
            )
        except KeyError as e:
            raise OpsError(f"{path}: [services.{name}] lacks {e.args[0]}") from None
    return OpsConfig(
        root=root,
        region=environ.get("AWS_DEFAULT_REGION") or raw.get("region", "us-east-1"),
        cluster=raw.get("cluster", "cruddur"),
        services=services,
        stacks=list(raw.get("stacks", [])),
        signing_keys=list(raw.get("signing_keys", [])),
        keep_revisions=_count(raw.get("keep_revisions", 0), path, "keep_revisions"),
    )
