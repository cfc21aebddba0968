"""`trust <service>`: the release gate alone, for a service's image as the registry holds it.

What `verify` and `deploy` check before anything changes in ECS (digest, release signature, scan), without
rendering a task definition or reaching ECS: for a release pipeline after `push`, or a registry that no
ECS service pulls from yet (the container proof's local registry). Exits 8, 9 or 10 as the gate refuses.
"""
from __future__ import annotations

from cruddur_ops import context, images, release, verify

HELP = "check a release's image: its digest, its release signature and its scan (exit 8/9/10 when refused)"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--image-tag", help="image tag (default: the current 12-character commit)")
    release.add_arguments(parser)


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    image = release.Image(service.container, images.registry(ctx), service.repository,
                          args.image_tag or images.commit_tag(ctx))
    gate = release.check(ctx, args, [image])
    verify.report(ctx.out, service.name, None, gate.checks, title="trust")
    return gate.code
