"""`sbom <service>`: write the CycloneDX SBOM of the service's local image and print where it is."""
from __future__ import annotations

from cruddur_ops import context, images, sbom

HELP = "write the CycloneDX SBOM of a service's local image to .state/sbom/ and print its path"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--image-tag", help="tag of the local image (default: the commit's 12-character sha)")


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    path = sbom.write(ctx, service, args.image_tag or images.commit_tag(ctx))
    ctx.out.line(str(path))
    return 0
