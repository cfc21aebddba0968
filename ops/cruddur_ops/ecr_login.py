"""`ecr-login`: docker login to the account's ECR registry with an ECR authorization token."""
from __future__ import annotations

import base64

from cruddur_ops import images
from cruddur_ops.docker import docker

HELP = "log docker in to ECR (nothing to do when ECR_REGISTRY names another registry)"


def configure(parser) -> None:
    pass


def run(args, ctx) -> int:
    wanted = images.registry(ctx)
    if not images.ECR_REGISTRY.match(wanted):
        ctx.out.line(f"{wanted} is not an ECR registry (ECR_REGISTRY); no login needed")
        return 0
    data = ctx.aws.ecr.get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    # The password goes through stdin: on the command line every process listing would show it.
    docker(ctx, "login", "--username", user, "--password-stdin", wanted, stdin=password)
    ctx.out.line(f"logged in to {wanted}")
    return 0
