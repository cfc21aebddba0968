"""Both production images become releases through the project's own push doors (bin/<area>/push): pushed to
a registry, their SBOM kept beside them, their digest signed with the release key; then checked by the
release gate (`trust`) as a deploy would check them, and refused once the tag points at another image.

ECR_REGISTRY points the doors at a local registry (Debian's docker-registry); the emulator's ECR has no
registry protocol. The release key is the emulator's KMS (ECDSA P-256, signing and verifying for real). The
local registry has no image scans, so the gate runs with --allow-unscanned, which it reports.
"""
from __future__ import annotations

import json
import os
import subprocess

import boto3
import pytest

from containers.images import ROOT
from devstack.moto import FAKE_CREDENTIALS
from devstack.registry import LocalRegistry

DOORS = {"backend-flask": ROOT / "bin" / "backend" / "push", "frontend-react-js": ROOT / "bin" / "frontend" / "push"}
OPS = ROOT / "bin" / "ecs" / "ops"
SIGNING_KEY = "alias/cruddur-release-signing"


@pytest.fixture(scope="module")
def registry(scratch):
    server = LocalRegistry.start(scratch / "registry")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def release_key(aws):
    kms = boto3.client("kms", endpoint_url=aws.url, region_name=FAKE_CREDENTIALS["AWS_DEFAULT_REGION"],
                       aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    if not any(a["AliasName"] == SIGNING_KEY for a in kms.list_aliases()["Aliases"]):
        key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=SIGNING_KEY, TargetKeyId=key)
    return SIGNING_KEY


@pytest.fixture(scope="module")
def door_env(engine, registry, aws, release_key):
    """The doors run the deploy tooling with the project's Python, the engine, the local registry and the
    emulator's KMS; --allow-dirty only matters outside CI."""
    return {**engine.env, **FAKE_CREDENTIALS, "ECR_REGISTRY": registry.address, "AWS_ENDPOINT_URL": aws.url,
            "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def door(argv, env) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], env=env, capture_output=True, text=True, timeout=600)


def push(service, env):
    r = door([DOORS[service], "--allow-dirty"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


@pytest.mark.parametrize("service, image_fixture", [("backend-flask", "backend_image"),
                                                    ("frontend-react-js", "frontend_image")])
def test_push_door_sends_signs_and_keeps_the_sbom_of_the_commit_tagged_image(request, engine, registry, image_tag,
                                                                             door_env, service, image_fixture):
    request.getfixturevalue(image_fixture)
    remote = f"{registry.address}/{service}:{image_tag}"
    try:
        r = push(service, door_env)
        digest = registry.manifest_digest(service, image_tag)
        # The digest push records is the registry's, and the one Docker itself recorded for the push.
        lines = r.stdout.splitlines()  # docker's own push output comes first
        assert lines[lines.index(remote) + 1] == f"{registry.address}/{service}@{digest}"
        repo_digests = json.loads(engine.docker("image", "inspect", "--format", "{{json .RepoDigests}}",
                                                remote).stdout)
        assert f"{registry.address}/{service}@{digest}" in repo_digests
        hexdigest = digest.removeprefix("sha256:")
        assert sorted(registry.tags(service)) == sorted([image_tag, f"{image_tag}.sig", f"sha256-{hexdigest}.sig",
                                                         f"sha256-{hexdigest}.sbom"])
        trusted = door([OPS, "trust", service, "--allow-unscanned"], door_env)
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr
        assert (f"    OK   signature {service}:{image_tag}.sig: signed by {SIGNING_KEY}, for {digest}\n"
                in trusted.stdout)
        assert f"    OK   sbom {service}:sha256-{hexdigest}.sbom: " in trusted.stdout
        assert "warning: --allow-unscanned" in trusted.stderr
    finally:
        engine.docker("rmi", remote, check=False)


def test_an_image_changed_after_signing_is_refused(engine, registry, image_tag, door_env, backend_image, scratch):
    """Someone with push rights on a mutable registry points the signed tag at another image."""
    push("backend-flask", door_env)
    signed = registry.manifest_digest("backend-flask", image_tag)
    remote = f"{registry.address}/backend-flask:{image_tag}"
    context = scratch / "tampered"
    context.mkdir(exist_ok=True)
    (context / "Dockerfile").write_text(f"FROM {backend_image}\nLABEL org.example.tampered=yes\n")
    try:
        engine.docker("build", "--network", "host", "-t", remote, str(context), timeout=300)
        engine.docker("push", remote, timeout=300)
        moved = registry.manifest_digest("backend-flask", image_tag)
        assert moved != signed
        r = door([OPS, "trust", "backend-flask", "--allow-unscanned"], door_env)
        assert r.returncode == 8, r.stdout + r.stderr
        assert (f"    NG   signature backend-flask:{image_tag}.sig: tag {image_tag} now points at {moved}, but "
                f"release {image_tag} was signed for {signed}\n") in r.stdout
    finally:
        engine.docker("rmi", remote, check=False)
