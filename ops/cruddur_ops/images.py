"""Where images live and what they are called: registry, repository, and the commit tag."""
from __future__ import annotations

import re

from cruddur_ops.errors import OpsError

ECR_REGISTRY = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$")


def registry(ctx) -> str:
    """ECR_REGISTRY when set (a local registry in tests), else the account's ECR registry."""
    return ctx.environ.get("ECR_REGISTRY") or f"{ctx.aws.account_id}.dkr.ecr.{ctx.config.region}.amazonaws.com"


def _git(ctx, *argv: str) -> str:
    result = ctx.subprocess_run(["git", *argv], cwd=ctx.root, capture_output=True, text=True)
    if result.returncode != 0:
        raise OpsError(f"git {' '.join(argv)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def commit_tag(ctx) -> str:
    """The image tag: the 12-character commit, so a tag names exactly one build."""
    return _git(ctx, "rev-parse", "--short=12", "HEAD").strip()


def dirty_paths(ctx) -> list[str]:
    return [line[3:] for line in _git(ctx, "status", "--porcelain").splitlines() if line.strip()]


def parse_reference(image: str) -> tuple[str, str, str | None, str | None]:
    """`registry/repository[:tag][@digest]` → (registry, repository, tag, digest)."""
    name, _, digest = image.partition("@")
    registry_host, _, path = name.partition("/")
    repository, _, tag = path.partition(":")
    return registry_host, repository, tag or None, digest or None


def split_image(image: str) -> tuple[str, str, str]:
    """`registry/repository:tag` → (registry, repository, tag): how the files under aws/ name images (the
    release gate pins the digest)."""
    registry_host, repository, tag, digest = parse_reference(image)
    if not repository or not tag or digest:
        raise OpsError(f"image {image!r}: name images by commit tag, registry/repository:tag")
    return registry_host, repository, tag
