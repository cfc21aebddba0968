"""Release signatures: an image digest signed with the release key in KMS, stored beside the image.

The format is cosign's "simple signing" one, so the signatures are not a dialect of our own: the payload
names the repository and the manifest digest (its `critical` part) and carries the commit tag and the SBOM's
digest (its `optional` part); the signature is ECDSA P-256 over SHA-256 of the payload bytes, DER-encoded
and base64'd in the layer annotation cosign reads. The artifact is stored under cosign's tag for the digest
(`sha256-<hex>.sig`), which is how `audit` finds it from a running task's digest, and under `<tag>.sig`,
which is how a deploy of a commit tag finds the digest that was signed for it (ECR tags are immutable, so
neither can be replaced once pushed).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from cruddur_ops.registry import Layer, Registry, embedded_layers

PAYLOAD_TYPE = "cosign container image signature"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json"
ALGORITHM = "ECDSA_SHA_256"


def signature_tag(digest: str) -> str:
    return digest.replace(":", "-") + ".sig"


def release_tag(tag: str) -> str:
    return f"{tag}.sig"


def payload(reference: str, digest: str, optional: dict) -> bytes:
    return json.dumps({"critical": {"identity": {"docker-reference": reference},
                                    "image": {"docker-manifest-digest": digest}, "type": PAYLOAD_TYPE},
                       "optional": optional}, separators=(",", ":"), sort_keys=True).encode()


def sign(kms, key: str, registry: Registry, repository: str, digest: str, tag: str,
         optional: dict | None = None) -> str:
    """Sign `digest` as release `tag` and store the signature; the signature artifact's digest."""
    body = payload(f"{registry.address}/{repository}", digest, {"tag": tag, **(optional or {})})
    signature = kms.sign(KeyId=key, Message=body, MessageType="RAW", SigningAlgorithm=ALGORITHM)["Signature"]
    layer = Layer(SIMPLE_SIGNING, body, {SIGNATURE_ANNOTATION: base64.b64encode(signature).decode()})
    return registry.push_artifact(repository, [signature_tag(digest), release_tag(tag)], ARTIFACT_TYPE, [layer])


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str
    signed_digest: str | None = None
    key: str | None = None
    optional: dict = field(default_factory=dict)


def _valid(kms, key: str, body: bytes, signature: bytes) -> bool:
    try:
        return kms.verify(KeyId=key, Message=body, MessageType="RAW", Signature=signature,
                          SigningAlgorithm=ALGORITHM)["SignatureValid"]
    except ClientError as e:
        if e.response["Error"]["Code"] == "KMSInvalidSignatureException":  # what AWS answers for a bad one
            return False
        raise


def _signed(kms, keys: list[str], manifest: dict, reference: str) -> Verdict:
    """The first signature in `manifest` that a trusted key made for an image of `reference`."""
    layers = embedded_layers(manifest, SIMPLE_SIGNING)
    if not layers:
        return Verdict(False, "the signature artifact holds no signed payload that matches its digest")
    why = f"no signature verifies with the release key ({', '.join(keys)}): signed by another key, or altered"
    for body, layer_annotations in layers:
        try:
            signature = base64.b64decode(layer_annotations.get(SIGNATURE_ANNOTATION, ""), validate=True)
            claims = json.loads(body)
            critical = claims["critical"]
            signed_reference, signed_digest = critical["identity"]["docker-reference"], \
                critical["image"]["docker-manifest-digest"]
        except (ValueError, KeyError, TypeError):
            why = "the signed payload is not a cosign simple signing payload"
            continue
        for key in keys:
            try:
                valid = _valid(kms, key, body, signature)
            except ClientError as e:
                return Verdict(False, f"cannot check with release key {key}: {e.response['Error'].get('Code')}: "
                                      f"{e.response['Error'].get('Message')}")
            if not valid:
                continue
            if critical.get("type") != PAYLOAD_TYPE or signed_reference != reference:
                why = f"signed for {signed_reference}, not {reference}"
                continue
            optional = claims.get("optional") if isinstance(claims.get("optional"), dict) else {}
            return Verdict(True, f"signed by {key}", signed_digest, key, optional)
    return Verdict(False, why)


def verify_release(kms, keys: list[str], registry: Registry, repository: str, tag: str,
                   current_digest: str) -> Verdict:
    """Release `tag`: signed by a trusted key, for the digest the tag points at now."""
    manifest = registry.manifest(repository, release_tag(tag))
    if manifest is None:
        return Verdict(False, f"release {tag} is not signed (no {repository}:{release_tag(tag)})")
    verdict = _signed(kms, keys, manifest, f"{registry.address}/{repository}")
    if not verdict.ok:
        return verdict
    if verdict.optional.get("tag") != tag:
        return Verdict(False, f"the signature stored as {release_tag(tag)} is for release "
                              f"{verdict.optional.get('tag')!r}, not {tag}")
    if verdict.signed_digest != current_digest:
        return Verdict(False, f"tag {tag} now points at {current_digest}, but release {tag} was signed for "
                              f"{verdict.signed_digest}", verdict.signed_digest)
    return verdict


def verify_digest(kms, keys: list[str], registry: Registry, repository: str, digest: str) -> Verdict:
    """An image known only by its digest (a running task): signed by a trusted key for that digest."""
    manifest = registry.manifest(repository, signature_tag(digest))
    if manifest is None:
        return Verdict(False, f"{digest} is not signed (no {repository}:{signature_tag(digest)})")
    verdict = _signed(kms, keys, manifest, f"{registry.address}/{repository}")
    if verdict.ok and verdict.signed_digest != digest:
        return Verdict(False, f"the signature stored for {digest} was made for {verdict.signed_digest}")
    return verdict
