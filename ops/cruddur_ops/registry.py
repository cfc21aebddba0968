"""Where images and their release artifacts live, read and written one way whatever the registry.

ECR is reached through its API (boto3, like every other AWS call, so the emulator stands in for it);
any other registry (a local one: the container proof, `make dev`) through the OCI distribution API over
plain HTTP. Release artifacts (signatures, SBOMs) are small OCI image manifests stored under a tag in the
image's own repository; their content is also embedded in the manifest (the descriptor's `data` field of
OCI image-spec 1.1), so reading one back is a single manifest fetch on either kind of registry.
"""
from __future__ import annotations

import base64
import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass

import requests
from botocore.exceptions import ClientError

from cruddur_ops import images
from cruddur_ops.errors import OpsError

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MANIFEST_TYPES = (OCI_MANIFEST, "application/vnd.oci.image.index.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json",
                  "application/vnd.docker.distribution.manifest.list.v2+json")
# OCI's empty descriptor: the config of an artifact that has none.
EMPTY_CONFIG = {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "data": "e30="}


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Layer:
    media_type: str
    data: bytes
    annotations: dict | None = None

    def descriptor(self) -> dict:
        found = {"mediaType": self.media_type, "digest": digest_of(self.data), "size": len(self.data),
                 "data": base64.b64encode(self.data).decode()}
        return {**found, "annotations": self.annotations} if self.annotations else found


def artifact_manifest(artifact_type: str, layers: list[Layer]) -> bytes:
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": artifact_type,
                       "config": EMPTY_CONFIG, "layers": [layer.descriptor() for layer in layers]},
                      separators=(",", ":")).encode()


def embedded_layers(manifest: dict, media_type: str) -> list[tuple[bytes, dict]]:
    """The (content, annotations) of every layer of `media_type` whose embedded content matches its
    digest; a layer whose content does not is dropped, as if it were not there."""
    found = []
    for layer in manifest.get("layers", []):
        if layer.get("mediaType") != media_type or not isinstance(layer.get("data"), str):
            continue
        try:
            data = base64.b64decode(layer["data"], validate=True)
        except ValueError:
            continue
        if digest_of(data) == layer.get("digest"):
            found.append((data, layer.get("annotations") or {}))
    return found


class Registry(ABC):
    """What the release chain needs of a registry."""

    address: str

    @abstractmethod
    def digest(self, repository: str, tag: str) -> str | None:
        """The digest the tag points at now; None when the tag is not there."""

    @abstractmethod
    def manifest(self, repository: str, reference: str) -> dict | None:
        """The manifest at a tag or digest, parsed; None when there is none."""

    @abstractmethod
    def put_blob(self, repository: str, data: bytes) -> None:
        """Upload a blob unless the repository already holds it."""

    @abstractmethod
    def put_manifest(self, repository: str, tag: str, manifest: bytes) -> str:
        """Store a manifest under a tag; its digest."""

    def push_artifact(self, repository: str, tags: list[str], artifact_type: str, layers: list[Layer]) -> str:
        """Store an artifact under every tag in `tags`; its digest. The blobs go up first, as a registry
        (ECR among them) refuses a manifest whose blobs it does not hold."""
        for blob in [json.dumps({}).encode()] + [layer.data for layer in layers]:
            self.put_blob(repository, blob)
        manifest = artifact_manifest(artifact_type, layers)
        for tag in tags:
            self.put_manifest(repository, tag, manifest)
        return digest_of(manifest)


class EcrRegistry(Registry):
    def __init__(self, ecr, address: str):
        self.ecr, self.address = ecr, address

    def _image(self, reference: str) -> dict:
        return {"imageDigest": reference} if reference.startswith("sha256:") else {"imageTag": reference}

    def digest(self, repository, tag):
        try:
            return self.ecr.describe_images(repositoryName=repository,
                                            imageIds=[{"imageTag": tag}])["imageDetails"][0]["imageDigest"]
        except ClientError as e:
            if e.response["Error"]["Code"] == "ImageNotFoundException":
                return None
            raise

    def manifest(self, repository, reference):
        found = self.ecr.batch_get_image(repositoryName=repository, imageIds=[self._image(reference)],
                                         acceptedMediaTypes=list(MANIFEST_TYPES))["images"]
        return json.loads(found[0]["imageManifest"]) if found else None

    def put_blob(self, repository, data):
        digest = digest_of(data)
        held = self.ecr.batch_check_layer_availability(repositoryName=repository, layerDigests=[digest])
        if any(layer.get("layerAvailability") == "AVAILABLE" for layer in held.get("layers", [])):
            return
        upload = self.ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
        self.ecr.upload_layer_part(repositoryName=repository, uploadId=upload, partFirstByte=0,
                                   partLastByte=len(data) - 1, layerPartBlob=data)
        self.ecr.complete_layer_upload(repositoryName=repository, uploadId=upload, layerDigests=[digest])

    def put_manifest(self, repository, tag, manifest):
        digest = digest_of(manifest)
        try:
            self.ecr.put_image(repositoryName=repository, imageManifest=manifest.decode(), imageTag=tag,
                               imageManifestMediaType=OCI_MANIFEST, imageDigest=digest)
        except ClientError as e:
            # The same artifact under the same tag is already there: storing it again changes nothing.
            if e.response["Error"]["Code"] != "ImageAlreadyExistsException" or self.digest(repository, tag) != digest:
                raise
        return digest


class HttpRegistry(Registry):
    """The OCI distribution API without authentication: a registry on this machine."""

    def __init__(self, address: str, timeout: float = 30):
        self.address, self.timeout = address, timeout
        self.base = f"http://{address}/v2"

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            return requests.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as e:
            raise OpsError(f"registry {self.address} unreachable: {type(e).__name__}") from None

    def _call(self, method: str, path: str, ok=(200,), **kwargs) -> requests.Response:
        response = self._request(method, f"{self.base}/{path}", **kwargs)
        if response.status_code not in ok:
            raise OpsError(f"registry {self.address}: {method} /v2/{path}: HTTP {response.status_code} "
                           f"{response.text[:200].strip()}")
        return response

    def digest(self, repository, tag):
        response = self._call("HEAD", f"{repository}/manifests/{tag}", ok=(200, 404),
                              headers={"Accept": ", ".join(MANIFEST_TYPES)})
        return response.headers.get("Docker-Content-Digest") if response.status_code == 200 else None

    def manifest(self, repository, reference):
        response = self._call("GET", f"{repository}/manifests/{reference}", ok=(200, 404),
                              headers={"Accept": ", ".join(MANIFEST_TYPES)})
        return response.json() if response.status_code == 200 else None

    def put_blob(self, repository, data):
        digest = digest_of(data)
        if self._call("HEAD", f"{repository}/blobs/{digest}", ok=(200, 404)).status_code == 200:
            return
        location = self._call("POST", f"{repository}/blobs/uploads/", ok=(202,)).headers["Location"]
        url = location if location.startswith("http") else f"http://{self.address}{location}"
        response = self._request("PUT", url, params={"digest": digest}, data=data,
                                 headers={"Content-Type": "application/octet-stream"})
        if response.status_code != 201:
            raise OpsError(f"registry {self.address}: blob upload of {digest}: HTTP {response.status_code}")

    def put_manifest(self, repository, tag, manifest):
        self._call("PUT", f"{repository}/manifests/{tag}", ok=(201,), data=manifest,
                   headers={"Content-Type": OCI_MANIFEST})
        return digest_of(manifest)


def open_registry(ctx, address: str | None = None) -> Registry:
    """The registry the images of this account (or ECR_REGISTRY) are pushed to."""
    address = address or images.registry(ctx)
    return EcrRegistry(ctx.aws.ecr, address) if images.ECR_REGISTRY.match(address) else HttpRegistry(address)
