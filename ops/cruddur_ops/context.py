"""What every command receives: the injected world (Runtime) plus config, output and AWS (Context),
and the few argument helpers service commands share.

Commands import this module, never `cli`: `cli` only lists the commands and turns failures into exit
codes, so nothing imports it back.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cruddur_ops import config as ops_config
from cruddur_ops.aws import Aws
from cruddur_ops.errors import OpsError
from cruddur_ops.output import Output


@dataclass
class Runtime:
    """Everything a command touches outside the process; tests replace parts of it."""

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    stdout: object = None
    stderr: object = None
    tty: bool | None = None
    root: Path = ops_config.ROOT
    aws: Aws | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    subprocess_run: Callable = subprocess.run
    which: Callable[[str], str | None] = shutil.which


@dataclass
class Context(Runtime):
    """The Runtime of this invocation with its config, output and AWS clients filled in."""

    config: ops_config.OpsConfig | None = None
    out: Output | None = None

    @classmethod
    def of(cls, runtime: Runtime, config: ops_config.OpsConfig, out: Output, aws: Aws) -> Context:
        world = {name: getattr(runtime, name) for name in Runtime.__dataclass_fields__}
        return cls(**{**world, "root": config.root, "aws": aws}, config=config, out=out)


def add_service_argument(parser: argparse.ArgumentParser) -> None:
    """`<service>` positionally or `--service`, for commands that act on one ECS service."""
    parser.add_argument("service_name", nargs="?", metavar="service", help="ECS service (see aws/ops.toml)")
    parser.add_argument("--service", dest="service_flag", help="same as the positional service")


def service_of(args, ctx: Context) -> ops_config.ServiceConfig:
    name = args.service_flag or args.service_name
    if not name:
        raise OpsError("name a service: " + ", ".join(sorted(ctx.config.services)))
    return ctx.config.service(name)


def cluster_of(args, ctx: Context) -> str:
    return args.cluster or ctx.config.cluster
