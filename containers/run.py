"""Running an image the way its ECS task definition says, and watching it turn healthy.

The task definition (aws/task-definitions/<service>.json, RegisterTaskDefinition input) is the source of
the run settings: user, read-only root filesystem, writable task volumes, Linux capabilities, environment.
Fargate's task volumes without a host path are scratch space, which `--tmpfs` is locally.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from containers.engine import Engine, wait_until

ROOT = Path(__file__).resolve().parent.parent
TASK_DEFINITIONS = ROOT / "aws" / "task-definitions"
LABEL = "org.cruddur.proof=1"


def task_definition(service: str) -> dict:
    return json.loads((TASK_DEFINITIONS / f"{service}.json").read_text())


def container_definition(task: dict, name: str) -> dict:
    for container in task["containerDefinitions"]:
        if container["name"] == name:
            return container
    raise KeyError(f"task definition {task['family']} has no container {name!r}")


def render(value: str, variables: Mapping[str, str]) -> str:
    """Fill ${NAME} placeholders; a missing variable is an error, never an empty string."""
    return Template(value).substitute(variables)


def run_settings(task: dict, container: dict) -> list[str]:
    """docker run flags for the isolation the task definition asks for."""
    args = []
    if container.get("user"):
        args += ["--user", container["user"]]
    if container.get("readonlyRootFilesystem"):
        args.append("--read-only")
    if container.get("privileged"):
        args.append("--privileged")
    volumes = {v["name"]: v for v in task.get("volumes", [])}
    for mount in container.get("mountPoints", []):
        volume = volumes[mount["sourceVolume"]]
        if set(volume) - {"name"}:
            raise ValueError(f"volume {volume['name']}: only Fargate scratch volumes have a local stand-in")
        args += ["--tmpfs", mount["containerPath"]]
    capabilities = container.get("linuxParameters", {}).get("capabilities", {})
    args += [flag for cap in capabilities.get("drop", []) for flag in ("--cap-drop", cap)]
    args += [flag for cap in capabilities.get("add", []) for flag in ("--cap-add", cap)]
    return args


def environment(container: dict, variables: Mapping[str, str]) -> dict[str, str]:
    return {e["name"]: render(e["value"], variables) for e in container.get("environment", [])}


@dataclass
class Container:
    engine: Engine
    id: str
    started_at: float

    def inspect(self) -> dict:
        return json.loads(self.engine.docker("inspect", self.id).stdout)[0]

    def health(self) -> str:
        state = self.inspect()["State"]
        if not state["Running"]:
            return "exited"
        return state.get("Health", {}).get("Status", "none")

    def wait_healthy(self, timeout: float = 60, clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], None] = time.sleep) -> float:
        """Seconds from `docker run` until Docker reports the container healthy."""
        def settled() -> bool:
            status = self.health()
            if status in ("exited", "unhealthy"):
                raise AssertionError(f"container became {status}; its log:\n{self.logs()}")
            return status == "healthy"
        wait_until(settled, timeout, "container healthy", clock=clock, sleep=sleep, step=0.05)
        return clock() - self.started_at

    def logs(self) -> str:
        r = self.engine.docker("logs", self.id, check=False)
        return r.stdout + r.stderr

    def exec(self, *argv: str) -> str:
        return self.engine.docker("exec", self.id, *argv).stdout

    def remove(self) -> None:
        self.engine.docker("rm", "-f", self.id, check=False)


def start(engine: Engine, image: str, settings: list[str], env: Mapping[str, str], *, network: list[str],
          clock: Callable[[], float] = time.monotonic) -> Container:
    """Start `image` detached. Values travel in the CLI's environment (`-e NAME`), never in its argv."""
    names = [flag for name in env for flag in ("-e", name)]
    started_at = clock()
    cid = engine.docker("run", "-d", "--label", LABEL, "--security-opt", "no-new-privileges", *network,
                        *settings, *names, image, env=dict(env)).stdout.strip()
    return Container(engine, cid, started_at)
