"""The release gate: every refusal of the trust chain, with its exit code and its message, and nothing
registered or changed in ECS when it refuses.

Signatures are real: ECDSA P-256 made and verified by the emulator's KMS. ECR scan results are published
through the emulator's extension (devstack/moto_ext.py) in ECR's own response shape, because moto does not
act scans out; the emulator's clock for them moves with the test's injected clock, so no test sleeps.
"""
import base64
import json
import shutil
from datetime import datetime, timezone

import pytest

from cruddur_ops import push, sbom, signing
from cruddur_ops.registry import EcrRegistry, Layer, digest_of
from tests.conftest import (
    ACCOUNT,
    REGION,
    SBOM,
    SIGNING_KEY,
    create_signing_key,
    image_manifest,
    put_image,
    put_release,
    var_flags,
)

TAG = "0123456789ab"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


@pytest.fixture
def gate(cli, aws, world, moto_server, clock):
    """Run a command against the world, with the emulator's scan clock moving with the fake one."""
    def sleep(seconds):
        clock.sleep(seconds)
        moto_server.advance_clock(seconds)

    def run(command="verify", *flags, tag=TAG, **runtime):
        runtime.setdefault("sleep", sleep)
        return cli([command, "backend-flask", *flags, *var_flags({**world, "IMAGE_TAG": tag})], aws=aws,
                   environ={}, **runtime)
    return run


def sign_release(aws, digest: str, tag: str, key: str = SIGNING_KEY) -> None:
    """Sign as a release push does: the SBOM kept beside the image, named by the signature."""
    registry = EcrRegistry(aws.ecr, REGISTRY)
    sbom_digest = push.attach_sbom(registry, "backend-flask", digest, SBOM)
    signing.sign(aws.kms, key, registry, "backend-flask", digest, tag, {"sbom": sbom_digest})


def release_line(result, subject: str) -> str:
    """The tree line of the release check named `subject` (image, signature, scan)."""
    return next(line.strip() for line in result.stdout.splitlines() if line.startswith(("    OK   ", "    NG   ",
                                                                                          "    SKIP "))
                and line[9:].startswith(subject + " "))


def replace_tag(aws, repository: str, tag: str, manifest: bytes) -> None:
    """What a person with push rights could do to a mutable repository: point `tag` somewhere else."""
    aws.ecr.batch_delete_image(repositoryName=repository, imageIds=[{"imageTag": tag}])
    aws.ecr.put_image(repositoryName=repository, imageManifest=manifest.decode(), imageTag=tag,
                      imageDigest=digest_of(manifest))


def signature_manifest(aws, tag: str) -> dict:
    found = aws.ecr.batch_get_image(repositoryName="backend-flask", imageIds=[{"imageTag": f"{tag}.sig"}],
                                    acceptedMediaTypes=["application/vnd.oci.image.manifest.v1+json"])
    return json.loads(found["images"][0]["imageManifest"])


def test_a_signed_and_clean_release_passes_and_is_pinned_by_digest(gate, aws):
    result = gate("register")
    assert (result.code, result.stderr) == (0, "")
    image = aws.ecs.describe_task_definition(taskDefinition="cruddur-staging-backend-flask")["taskDefinition"][
        "containerDefinitions"][0]["image"]
    assert image == f"{REGISTRY}/backend-flask@{digest_of(image_manifest(TAG).encode())}"


def test_an_unsigned_image_is_refused_with_exit_8(gate, aws):
    put_image(aws, "backend-flask", "0000000000aa")
    result = gate(tag="0000000000aa")
    assert result.code == 8
    assert ("    NG   signature backend-flask:0000000000aa.sig: release 0000000000aa is not signed "
            "(no backend-flask:0000000000aa.sig)\n") in result.stdout
    assert "    SKIP scan backend-flask@sha256:" in result.stdout  # not waited for once refused


def test_an_image_signed_with_another_key_is_refused(gate, aws, moto_server):
    other = create_signing_key(aws, "alias/someone-else")
    digest = put_image(aws, "backend-flask", "0000000000bb")
    sign_release(aws, digest, "0000000000bb", key=other)
    moto_server.publish_scan("backend-flask", digest)
    result = gate(tag="0000000000bb")
    assert result.code == 8
    assert (f"NG   signature backend-flask:0000000000bb.sig: no signature verifies with the release key "
            f"({SIGNING_KEY}): signed by another key, or altered\n") in result.stdout


def test_a_signature_whose_payload_was_altered_is_refused(gate, aws, moto_server):
    """Someone swaps the signed digest for their own image's, keeping the release key's signature."""
    evil = put_image(aws, "backend-flask", "0000000000cc")
    moto_server.publish_scan("backend-flask", evil)
    layer = signature_manifest(aws, TAG)["layers"][0]
    claims = json.loads(base64.b64decode(layer["data"]))
    claims["critical"]["image"]["docker-manifest-digest"] = evil
    claims["optional"]["tag"] = "0000000000cc"
    forged = Layer(signing.SIMPLE_SIGNING, json.dumps(claims).encode(), layer["annotations"])
    EcrRegistry(aws.ecr, REGISTRY).push_artifact("backend-flask", ["0000000000cc.sig"], signing.ARTIFACT_TYPE,
                                                 [forged])
    result = gate(tag="0000000000cc")
    assert result.code == 8
    assert release_line(result, "signature").endswith("signed by another key, or altered")


def test_a_payload_that_does_not_match_its_digest_is_refused(gate, aws):
    manifest = signature_manifest(aws, TAG)
    manifest["layers"][0]["data"] = base64.b64encode(b'{"critical": {}}').decode()
    replace_tag(aws, "backend-flask", f"{TAG}.sig", json.dumps(manifest).encode())
    result = gate()
    assert result.code == 8
    assert release_line(result, "signature").endswith(
        "the signature artifact holds no signed payload that matches its digest")


def test_a_tag_moved_after_signing_is_refused_naming_both_digests(gate, aws, moto_server):
    signed = digest_of(image_manifest(TAG).encode())
    other = image_manifest("another build").encode()
    replace_tag(aws, "backend-flask", TAG, other)
    moto_server.publish_scan("backend-flask", digest_of(other))
    result = gate("deploy")
    assert result.code == 8
    assert (f"signature backend-flask:{TAG}.sig: tag {TAG} now points at {digest_of(other)}, but release {TAG} "
            f"was signed for {signed}") in result.stderr
    assert aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask")["taskDefinitionArns"] == []


def test_a_release_whose_sbom_is_missing_or_altered_is_refused(gate, aws):
    digest = digest_of(image_manifest(TAG).encode())
    aws.ecr.batch_delete_image(repositoryName="backend-flask", imageIds=[{"imageTag": sbom.artifact_tag(digest)}])
    result = gate()
    assert result.code == 8
    assert release_line(result, "sbom").startswith(f"NG   sbom backend-flask:{sbom.artifact_tag(digest)}: no SBOM "
                                                   "with the signed digest sha256:")
    push.attach_sbom(EcrRegistry(aws.ecr, REGISTRY), "backend-flask", digest, SBOM.replace(b"3.1.3", b"9.9.9"))
    assert gate().code == 8


def test_a_release_signed_without_naming_its_sbom_is_refused(gate, aws, moto_server):
    digest = put_image(aws, "backend-flask", "0000000000ab")
    signing.sign(aws.kms, SIGNING_KEY, EcrRegistry(aws.ecr, REGISTRY), "backend-flask", digest, "0000000000ab")
    moto_server.publish_scan("backend-flask", digest)
    result = gate(tag="0000000000ab")
    assert result.code == 8
    assert release_line(result, "sbom").endswith("the release was signed without naming its SBOM")


HIGH_BASIC = {"findings": [{"name": "CVE-2026-1111", "severity": "HIGH", "uri": "https://example.invalid/1111",
                            "attributes": [{"key": "package_name", "value": "openssl"},
                                           {"key": "package_version", "value": "3.0.15-1~deb12u1"}]},
                           {"name": "CVE-2026-2222", "severity": "LOW",
                            "attributes": [{"key": "package_name", "value": "tar"}]}]}
CRITICAL_ENHANCED = {"enhancedFindings": [{
    "awsAccountId": ACCOUNT, "severity": "CRITICAL", "status": "ACTIVE", "title": "CVE-2026-3333 - flask",
    "type": "PACKAGE_VULNERABILITY", "packageVulnerabilityDetails": {
        "vulnerabilityId": "CVE-2026-3333", "source": "NVD",
        "vulnerablePackages": [{"name": "flask", "version": "3.1.0", "fixedInVersion": "3.1.3",
                                "packageManager": "PYTHONPKG"}]}}]}


def test_high_and_critical_findings_are_refused_with_exit_9_each_named(gate, aws, moto_server):
    digest = put_release(aws, moto_server, "backend-flask", "0000000000dd", findings=HIGH_BASIC)
    result = gate(tag="0000000000dd")
    assert result.code == 9
    assert (f"    NG   finding CVE-2026-1111 HIGH in openssl 3.0.15-1~deb12u1 (fixed in no fixed version known): "
            f"backend-flask@{digest[:19]}: no exception\n") in result.stdout
    assert "CVE-2026-2222" not in result.stdout  # LOW does not block
    digest = put_release(aws, moto_server, "backend-flask", "0000000000ee", findings=CRITICAL_ENHANCED)
    result = gate(tag="0000000000ee")
    assert result.code == 9
    assert "NG   finding CVE-2026-3333 CRITICAL in flask 3.1.0 (fixed in 3.1.3)" in result.stdout


@pytest.fixture
def checkout(tmp_path, repo_root):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    return tmp_path


def except_finding(root, expires: str) -> None:
    (root / "aws/vulnerability-exceptions.toml").write_text(f'''
[[exception]]
finding = "CVE-2026-1111"
package = "openssl"
reason = "the API never uses the affected TLS renegotiation"
expires = {expires}
''')


def test_an_excepted_finding_passes_and_is_printed(gate, aws, moto_server, checkout):
    except_finding(checkout, "2026-12-31")
    put_release(aws, moto_server, "backend-flask", "0000000000dd", findings=HIGH_BASIC)
    result = gate(tag="0000000000dd", root=checkout, now=lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
    assert result.code == 0, result.stdout
    assert ("CVE-2026-1111 HIGH in openssl 3.0.15-1~deb12u1 (fixed in no fixed version known): excepted until "
            "2026-12-31: the API never uses the affected TLS renegotiation") in result.stderr
    assert "OK   scan backend-flask@sha256:" in result.stdout and \
        "COMPLETE: 1 HIGH/CRITICAL excepted in aws/vulnerability-exceptions.toml" in result.stdout


def test_an_expired_exception_fails_like_the_finding(gate, aws, moto_server, checkout):
    except_finding(checkout, "2026-11-30")
    put_release(aws, moto_server, "backend-flask", "0000000000dd", findings=HIGH_BASIC)
    result = gate(tag="0000000000dd", root=checkout, now=lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
    assert result.code == 9
    assert "its exception expired on 2026-11-30\n" in result.stdout


def test_a_scan_still_in_progress_at_the_timeout_is_refused_with_exit_10(gate, aws, moto_server, clock):
    digest = put_image(aws, "backend-flask", "0000000000ff")
    sign_release(aws, digest, "0000000000ff")
    moto_server.publish_scan("backend-flask", digest, in_progress_seconds=3600)
    result = gate("verify", "--scan-timeout", "25s", tag="0000000000ff")
    assert result.code == 10
    label = f"scan of backend-flask@{digest[:19]}"
    assert result.stdout.startswith(f"{label}: IN_PROGRESS (0m00s of 0m25s)\n{label}: IN_PROGRESS (0m10s of 0m25s)\n"
                                    f"{label}: IN_PROGRESS (0m20s of 0m25s)\n")
    assert f"NG   scan backend-flask@{digest}: {label}: still IN_PROGRESS after 0m25s\n" in result.stdout
    assert clock.sleeps == [10, 10, 5]


def test_the_gate_waits_for_a_scan_that_completes_in_time(gate, aws, moto_server):
    digest = put_image(aws, "backend-flask", "0000000000ff")
    sign_release(aws, digest, "0000000000ff")
    moto_server.publish_scan("backend-flask", digest, in_progress_seconds=15)
    result = gate("verify", tag="0000000000ff")
    assert result.code == 0, result.stdout
    assert f"OK   scan backend-flask@{digest}: COMPLETE: 0 findings, none HIGH or CRITICAL" in result.stdout


@pytest.mark.parametrize("publish, expected", [
    (dict(status="FAILED", description="UnsupportedImageError: The operating system is not supported"),
     "FAILED (UnsupportedImageError: The operating system is not supported)"),
    (None, "no scan has started (is scan on push on?) after 0m30s"),
])
def test_a_failed_or_missing_scan_is_refused_with_exit_10(gate, aws, moto_server, publish, expected):
    digest = put_image(aws, "backend-flask", "0000000000ff")
    sign_release(aws, digest, "0000000000ff")
    if publish:
        moto_server.publish_scan("backend-flask", digest, **publish)
    result = gate("deploy", "--scan-timeout", "30s", tag="0000000000ff")
    assert result.code == 10
    assert f"scan backend-flask@{digest}: scan of backend-flask@{digest[:19]}: {expected}" in result.stderr
    assert aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask")["taskDefinitionArns"] == []


def test_allow_flags_are_loud_and_recorded_on_the_task_definition(gate, aws):
    put_image(aws, "backend-flask", "0000000000aa")
    result = gate("register", "--allow-unsigned", "--allow-unscanned", "--scan-timeout", "0s", tag="0000000000aa")
    assert result.code == 0, result.stderr
    digest = digest_of(image_manifest("0000000000aa").encode())
    assert (f"warning: --allow-unsigned: {REGISTRY}/backend-flask@{digest} goes on although release 0000000000aa "
            f"is not signed (no backend-flask:0000000000aa.sig); this is recorded on the task definition\n") \
        in result.stderr
    assert f"warning: --allow-unscanned: {REGISTRY}/backend-flask@{digest} goes on although" in result.stderr
    labels = aws.ecs.describe_task_definition(taskDefinition="cruddur-staging-backend-flask")["taskDefinition"][
        "containerDefinitions"][0]["dockerLabels"]
    assert labels == {"cruddur.image.tag": "0000000000aa", "cruddur.release.bypass": "allow-unscanned,allow-unsigned"}


def test_allow_unscanned_does_not_let_a_known_finding_through(gate, aws, moto_server):
    put_release(aws, moto_server, "backend-flask", "0000000000dd", findings=HIGH_BASIC)
    assert gate("verify", "--allow-unscanned", tag="0000000000dd").code == 9
