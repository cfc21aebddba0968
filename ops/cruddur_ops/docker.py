"""The docker CLI, called one way: arguments as a list, output straight to the operator, failures named."""
from __future__ import annotations

from cruddur_ops.errors import OpsError


def docker(ctx, *argv: str, stdin: str | None = None) -> None:
    result = ctx.subprocess_run(["docker", *argv], input=stdin, text=True, cwd=ctx.root)
    if result.returncode != 0:
        raise OpsError(f"docker {argv[0]} failed (exit {result.returncode})")


def image_exists(ctx, reference: str) -> bool:
    result = ctx.subprocess_run(["docker", "image", "inspect", reference], capture_output=True, text=True,
                                cwd=ctx.root)
    return result.returncode == 0


def docker_output(ctx, *argv: str) -> str:
    """Run the docker CLI for its answer (stdout); a failure is named with docker's own words."""
    result = ctx.subprocess_run(["docker", *argv], capture_output=True, text=True, cwd=ctx.root)
    if result.returncode != 0:
        raise OpsError(f"docker {argv[0]} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stdout
