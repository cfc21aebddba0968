"""`build <service>`: the production image for linux/amd64, tagged with the 12-character commit, and its
CycloneDX SBOM (cruddur_ops.sbom) written right after the build succeeds."""
from __future__ import annotations

from cruddur_ops import context, images, sbom
from cruddur_ops.docker import docker

HELP = "build a service's production image (linux/amd64), tagged <repository>:<commit>, and write its SBOM"


def configure(parser) -> None:
    context.add_service_argument(parser)


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    tag = images.commit_tag(ctx)
    reference = f"{service.repository}:{tag}"
    docker(ctx, "build", "--platform", "linux/amd64", "--file", str(service.dockerfile.relative_to(ctx.root)),
           "--label", f"org.opencontainers.image.revision={tag}", "--tag", reference,
           str(service.context.relative_to(ctx.root)))
    ctx.out.line(reference)
    ctx.out.line(str(sbom.write(ctx, service, tag)))
    return 0
