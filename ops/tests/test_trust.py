"""trust, and the release chain on a registry that is not ECR: a local registry (Debian's docker-registry,
the distribution server) reached over the OCI distribution API, signatures made by the emulator's KMS.
A registry without ECR has no image scans, so the gate refuses it unless --allow-unscanned says so aloud."""
import pytest

from cruddur_ops import push, signing
from cruddur_ops.registry import HttpRegistry, Layer
from devstack.registry import LocalRegistry
from tests.conftest import SBOM, SIGNING_KEY, create_signing_key, put_release

TAG = "0123456789ab"


@pytest.fixture
def local_registry(tmp_path):
    server = LocalRegistry.start(tmp_path / "registry")
    yield server
    server.stop()


@pytest.fixture
def released(aws, local_registry):
    """An image in the local registry (a small OCI manifest with one layer), signed as release TAG."""
    create_signing_key(aws)
    registry = HttpRegistry(local_registry.address)
    digest = registry.push_artifact("backend-flask", [TAG], "application/vnd.oci.image.config.v1+json",
                                    [Layer("application/vnd.oci.image.layer.v1.tar", b"not really a tarball")])
    sbom_digest = push.attach_sbom(registry, "backend-flask", digest, SBOM)
    signing.sign(aws.kms, SIGNING_KEY, registry, "backend-flask", digest, TAG, {"sbom": sbom_digest})
    return registry, digest


def trust(cli, aws, registry_address, *flags):
    return cli(["trust", "backend-flask", "--image-tag", TAG, *flags], aws=aws,
               environ={"ECR_REGISTRY": registry_address})


def test_the_local_registry_holds_what_was_signed(aws, released, local_registry):
    registry, digest = released
    assert sorted(local_registry.tags("backend-flask")) == sorted([TAG, f"{TAG}.sig", signing.signature_tag(digest),
                                                                   digest.replace(":", "-") + ".sbom"])
    assert signing.verify_release(aws.kms, [SIGNING_KEY], registry, "backend-flask", TAG, digest).ok
    assert signing.verify_digest(aws.kms, [SIGNING_KEY], registry, "backend-flask", digest).ok


def test_trust_refuses_a_registry_without_scans_with_exit_10(cli, aws, released, local_registry):
    _, digest = released
    result = trust(cli, aws, local_registry.address)
    assert result.code == 10
    assert result.stdout == f"""trust backend-flask
  release backend-flask
    OK   image {local_registry.address}/backend-flask:{TAG}: digest {digest}
    OK   signature backend-flask:{TAG}.sig: signed by {SIGNING_KEY}, for {digest}
    OK   sbom backend-flask:{digest.replace(":", "-")}.sbom: 1 components, as signed
    NG   scan backend-flask@{digest}: {local_registry.address} is not ECR: no image scan to read
summary: 3 OK, 1 NG, 0 SKIP
"""


def test_allow_unscanned_passes_it_and_says_so(cli, aws, released, local_registry):
    _, digest = released
    result = trust(cli, aws, local_registry.address, "--allow-unscanned")
    assert result.code == 0
    assert result.stderr == (f"warning: --allow-unscanned: {local_registry.address}/backend-flask@{digest} goes on "
                             f"although {local_registry.address} is not ECR: no image scan to read; this is recorded "
                             "on the task definition\n")
    assert f"    SKIP scan backend-flask@{digest}: BYPASSED by --allow-unscanned" in result.stdout


def test_trust_in_ecr_passes_a_signed_clean_release(cli, aws, moto_server):
    create_signing_key(aws)
    aws.ecr.create_repository(repositoryName="backend-flask")
    put_release(aws, moto_server, "backend-flask", TAG)
    result = cli(["trust", "backend-flask", "--image-tag", TAG], aws=aws, environ={})
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.endswith("summary: 4 OK, 0 NG, 0 SKIP\n")


def test_a_tag_missing_from_the_registry_is_refused_with_exit_6(cli, aws, local_registry):
    create_signing_key(aws)
    result = trust(cli, aws, local_registry.address)
    assert result.code == 6
    assert f"NG   image {local_registry.address}/backend-flask:{TAG}: tag {TAG} not found in repository " \
           "backend-flask\n" in result.stdout
