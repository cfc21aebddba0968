"""The release gate: every link of the trust chain, checked for each image before anything changes in ECS.

1. digest: the tag is resolved in the registry, and the task definition names the image by that digest,
   so what was signed and scanned is byte for byte what ECS pulls;
2. signature: the release signed for the tag was made by a trusted release key for that same digest
   (a tag that now points elsewhere is refused), and the SBOM it names is kept beside the image;
3. scan: the ECR scan of the digest is complete, and no HIGH or CRITICAL finding lacks a current exception.

`--allow-unsigned` and `--allow-unscanned` exist for emergencies: each prints what it let through and is
recorded on the task definition (the `cruddur.release.bypass` label), where `audit` reports it. Nothing lets
a known HIGH or CRITICAL finding through but an entry in aws/vulnerability-exceptions.toml.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from cruddur_ops import ecs, images, sbom, scans, signing, vulnerabilities
from cruddur_ops.checks import Check
from cruddur_ops.errors import UNSCANNED, UNTRUSTED, VERIFY_FAILED, VULNERABLE, OpsError
from cruddur_ops.registry import EcrRegistry, Registry, open_registry

BYPASS_LABEL = "cruddur.release.bypass"
TAG_LABEL = "cruddur.image.tag"
DEFAULT_SCAN_TIMEOUT = "10m"


def add_arguments(parser) -> None:
    parser.add_argument("--allow-unsigned", action="store_true",
                        help="EMERGENCY: accept an image without a valid release signature (printed, and "
                             "recorded on the task definition for audit)")
    parser.add_argument("--allow-unscanned", action="store_true",
                        help="EMERGENCY: accept an image whose scan failed, never ran or did not complete "
                             "(printed, and recorded on the task definition for audit)")
    parser.add_argument("--scan-timeout", default=DEFAULT_SCAN_TIMEOUT,
                        help=f"how long to wait for the image scan (default {DEFAULT_SCAN_TIMEOUT})")


@dataclass
class Image:
    container: str
    registry: str
    repository: str
    tag: str
    digest: str | None = None

    @property
    def by_tag(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"

    @property
    def pinned(self) -> str:
        return f"{self.registry}/{self.repository}@{self.digest}"


def _link(image: Image, status: str, subject: str, detail: str = "", code: int = 0) -> Check:
    return Check(f"release {image.container}", status, subject, detail, code)


@dataclass
class Gate:
    checks: list[Check] = field(default_factory=list)
    bypassed: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Check]:
        return [check for check in self.checks if check.status == "NG"]

    @property
    def code(self) -> int:
        """The exit code of the first refused link, in the chain's order (digest, signature, scan)."""
        return self.refused[0].code if self.refused else 0


def images_of(task_definition: dict) -> list[Image]:
    found = []
    for container in task_definition["containerDefinitions"]:
        registry, repository, tag = images.split_image(container["image"])
        found.append(Image(container["name"], registry, repository, tag))
    return found


def check(ctx, args, found: list[Image]) -> Gate:
    """Walk the chain for every image; fills in each image's digest. Waits (bounded) for scans."""
    gate = Gate()
    registries: dict[str, Registry] = {}
    exceptions = scans.load_exceptions(ctx.root)
    timeout = ecs.parse_duration(args.scan_timeout)
    for image in found:
        registry = registries.setdefault(image.registry, open_registry(ctx, image.registry))
        image.digest = registry.digest(image.repository, image.tag)
        if image.digest is None:
            gate.checks.append(_link(image, "NG", f"image {image.by_tag}",
                                   f"tag {image.tag} not found in repository {image.repository}", VERIFY_FAILED))
            continue
        gate.checks.append(_link(image, "OK", f"image {image.by_tag}", f"digest {image.digest}"))
        signature, verdict = _signature(ctx, args, gate, registry, image)
        gate.checks.append(signature)
        if verdict.ok:
            gate.checks.append(_sbom(registry, image, verdict))
        if signature.status == "NG":  # refused already: no reason to wait for its scan
            gate.checks.append(_link(image, "SKIP", f"scan {image.repository}@{image.digest}",
                                   "not waited for: the signature was refused"))
            continue
        gate.checks += _scan(ctx, args, gate, registry, image, exceptions, timeout)
    return gate


def _bypass(ctx, gate: Gate, image: Image, flag: str, subject: str, why: str) -> Check:
    ctx.out.warn(f"{flag}: {image.pinned} goes on although {why}; this is recorded on the task definition")
    gate.bypassed.append(flag.removeprefix("--"))
    return _link(image, "SKIP", subject, f"BYPASSED by {flag}: {why}")


def _signature(ctx, args, gate: Gate, registry: Registry, image: Image) -> tuple[Check, signing.Verdict]:
    subject = f"signature {image.repository}:{signing.release_tag(image.tag)}"
    keys = ctx.config.signing_keys
    if not keys:
        verdict = signing.Verdict(False, "aws/ops.toml names no signing_keys")
    else:
        verdict = signing.verify_release(ctx.aws.kms, keys, registry, image.repository, image.tag, image.digest)
    if verdict.ok:
        return _link(image, "OK", subject, f"{verdict.detail}, for {image.digest}"), verdict
    if args.allow_unsigned:
        return _bypass(ctx, gate, image, "--allow-unsigned", subject, verdict.detail), verdict
    return _link(image, "NG", subject, verdict.detail, UNTRUSTED), verdict


def _sbom(registry: Registry, image: Image, verdict: signing.Verdict) -> Check:
    """The SBOM the signature names is kept beside the image, unaltered."""
    subject = f"sbom {image.repository}:{sbom.artifact_tag(image.digest)}"
    signed = verdict.optional.get("sbom")
    if not signed:
        return _link(image, "NG", subject, "the release was signed without naming its SBOM", UNTRUSTED)
    document = sbom.stored(registry, image.repository, image.digest, signed)
    if document is None:
        return _link(image, "NG", subject, f"no SBOM with the signed digest {signed} is kept beside the image",
                    UNTRUSTED)
    return _link(image, "OK", subject, f"{len(document.get('components', []))} components, as signed")


def _scan(ctx, args, gate: Gate, registry: Registry, image: Image, exceptions, timeout) -> list[Check]:
    subject = f"scan {image.repository}@{image.digest}"
    if not isinstance(registry, EcrRegistry):
        why = f"{registry.address} is not ECR: no image scan to read"
    else:
        try:
            scan = scans.wait(ctx, image.repository, image.digest, timeout)
        except OpsError as e:
            if e.exit_code != UNSCANNED:
                raise
            why = str(e)
        else:
            return _findings(ctx, image, subject, scan, exceptions)
    if args.allow_unscanned:
        return [_bypass(ctx, gate, image, "--allow-unscanned", subject, why)]
    return [_link(image, "NG", subject, why, UNSCANNED)]


def _findings(ctx, image: Image, subject: str, scan: scans.Scan, exceptions) -> list[Check]:
    judgement = scans.judge(scan.findings, exceptions, ctx.now().date())
    for finding, why in judgement.excepted:
        ctx.out.warn(f"{image.repository}@{image.digest[:19]}: {finding.line()}: {why}")
    if judgement.refused:
        return [_link(image, "NG", f"finding {finding.line()}", f"{image.repository}@{image.digest[:19]}: {why}",
                     VULNERABLE) for finding, why in judgement.refused]
    counted = f"{len(scan.findings)} findings, none HIGH or CRITICAL" if not judgement.excepted else \
        f"{len(judgement.excepted)} HIGH/CRITICAL excepted in {vulnerabilities.EXCEPTIONS_FILE}"
    return [_link(image, "OK", subject, f"{scan.status}: {counted}")]


def pin(task_definition: dict, found: list[Image], bypassed: list[str]) -> dict:
    """The task definition with each image named by digest and its tag kept as a label for people."""
    pinned = copy.deepcopy(task_definition)
    by_container = {image.container: image for image in found}
    for container in pinned["containerDefinitions"]:
        image = by_container[container["name"]]
        container["image"] = image.pinned
        labels = {**container.get("dockerLabels", {}), TAG_LABEL: image.tag}
        if bypassed:
            labels[BYPASS_LABEL] = ",".join(sorted(set(bypassed)))
        container["dockerLabels"] = labels
    return pinned


def resolve(ctx, task_definition: dict) -> dict:
    """Pinned to what the tags point at now, without judging them (for showing a diff)."""
    found = images_of(task_definition)
    for image in found:
        image.digest = open_registry(ctx, image.registry).digest(image.repository, image.tag)
        if image.digest is None:
            ctx.out.warn(f"{image.by_tag} is not in the registry; shown by tag")
            return task_definition
    return pin(task_definition, found, [])
