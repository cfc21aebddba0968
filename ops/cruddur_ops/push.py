"""`push <service>`: push the image built from this commit to the registry under its commit tag.

Refuses a tree with uncommitted changes (the tag would lie about the contents) unless --allow-dirty.
The registry is ECR_REGISTRY when set (a local registry in tests), else the account's ECR. ECR tags are
immutable: a tag already there is left alone.
"""
from __future__ import annotations

from botocore.exceptions import ClientError

from cruddur_ops import context, images
from cruddur_ops.docker import docker, image_exists
from cruddur_ops.errors import OpsError

HELP = "push a service's image under its commit tag (refuses a dirty tree unless --allow-dirty)"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--allow-dirty", action="store_true",
                        help="push although the working tree has uncommitted changes")


def _already_in_ecr(ctx, registry: str, repository: str, tag: str) -> bool:
    if not images.ECR_REGISTRY.match(registry):
        return False
    try:
        ctx.aws.ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "ImageNotFoundException":
            return False
        raise


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    dirty = images.dirty_paths(ctx)
    if dirty and not args.allow_dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise OpsError(f"the working tree has uncommitted changes ({shown}); commit them, or pass --allow-dirty")
    if dirty:
        ctx.out.warn("pushing from a dirty tree: the commit tag does not describe the uncommitted changes")
    tag = images.commit_tag(ctx)
    local = f"{service.repository}:{tag}"
    if not image_exists(ctx, local):
        raise OpsError(f"no local image {local}; build it first: python -m cruddur_ops build {service.name}")
    registry = images.registry(ctx)
    remote = f"{registry}/{local}"
    if _already_in_ecr(ctx, registry, service.repository, tag):
        ctx.out.warn(f"{remote} already exists (tags are immutable); not pushed again")
    else:
        docker(ctx, "tag", local, remote)
        docker(ctx, "push", remote)
    ctx.out.line(remote)
    return 0
