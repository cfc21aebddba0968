"""`push <service>`: push the image built from this commit under its commit tag, then make it a release:
record the digest the registry holds for the tag, attach the image's SBOM, and sign the digest.

Refuses a tree with uncommitted changes (the tag would lie about the contents) unless --allow-dirty.
The registry is ECR_REGISTRY when set (a local registry in tests), else the account's ECR. ECR tags are
immutable: a tag already there is left alone, and so are its SBOM and a signature that still verifies.
`--no-sign` pushes without signing (the release gate then refuses the image unless --allow-unsigned).
"""
from __future__ import annotations

from cruddur_ops import context, images, sbom, signing
from cruddur_ops.docker import docker, image_exists
from cruddur_ops.errors import OpsError
from cruddur_ops.registry import Layer, open_registry

HELP = "push a service's image under its commit tag, attach its SBOM and sign its digest"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--allow-dirty", action="store_true",
                        help="push although the working tree has uncommitted changes")
    parser.add_argument("--no-sign", action="store_true",
                        help="push and attach the SBOM, but do not sign (deploys then refuse the image)")


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
    address = images.registry(ctx)
    registry = open_registry(ctx, address)
    remote = f"{address}/{local}"
    if images.ECR_REGISTRY.match(address) and registry.digest(service.repository, tag):
        ctx.out.warn(f"{remote} already exists (tags are immutable); not pushed again")
    else:
        docker(ctx, "tag", local, remote)
        docker(ctx, "push", remote)
    ctx.out.line(remote)
    digest = registry.digest(service.repository, tag)
    if digest is None:
        raise OpsError(f"the registry holds no {remote} after the push")
    ctx.out.line(f"{address}/{service.repository}@{digest}")
    sbom_digest = attach_sbom(registry, service.repository, digest, sbom.ensure(ctx, service, tag).read_bytes())
    ctx.out.progress(f"sbom: {service.repository}:{sbom.artifact_tag(digest)}")
    if args.no_sign:
        ctx.out.warn(f"--no-sign: {service.repository}@{digest} is not signed; verify and deploy will refuse it "
                     "unless --allow-unsigned")
        return 0
    sign(ctx, registry, service.repository, tag, digest, sbom_digest)
    return 0


def attach_sbom(registry, repository: str, digest: str, document: bytes) -> str:
    """Keep the image's SBOM beside it; the digest of the SBOM kept (one attached before stays: with
    immutable tags it cannot be replaced, and it is the one a signature names)."""
    stored = registry.manifest(repository, sbom.artifact_tag(digest))
    if stored is not None:
        return stored["layers"][0]["digest"]
    layer = Layer(sbom.MEDIA_TYPE, document)
    registry.push_artifact(repository, [sbom.artifact_tag(digest)], sbom.MEDIA_TYPE, [layer])
    return layer.descriptor()["digest"]


def sign(ctx, registry, repository: str, tag: str, digest: str, sbom_digest: str) -> None:
    keys = ctx.config.signing_keys
    if not keys:
        raise OpsError("aws/ops.toml names no signing_keys: nothing to sign with (or push with --no-sign)")
    held = signing.verify_release(ctx.aws.kms, keys, registry, repository, tag, digest)
    if held.ok:
        ctx.out.progress(f"signature: {repository}:{signing.release_tag(tag)} already {held.detail}")
        return
    signing.sign(ctx.aws.kms, keys[0], registry, repository, digest, tag, {"sbom": sbom_digest})
    ctx.out.progress(f"signature: {repository}@{digest} signed by {keys[0]} as "
                     f"{repository}:{signing.release_tag(tag)} and {repository}:{signing.signature_tag(digest)}")
