"""devstack.moto_ext: ECR image scans published for a digest and answered by DescribeImageScanFindings as
ECR answers them (IN_PROGRESS for the seconds asked, then COMPLETE with the findings, or FAILED), on the
emulator's movable clock; no scan without one published; forgotten on reset."""
from __future__ import annotations

import hashlib
import json

import boto3
import pytest
import requests

from devstack.moto import FAKE_CREDENTIALS

FINDINGS = {"findings": [{"name": "CVE-2026-1", "severity": "HIGH", "attributes": [
    {"key": "package_name", "value": "openssl"}, {"key": "package_version", "value": "3.0.1"}]},
    {"name": "CVE-2026-2", "severity": "LOW", "attributes": []}]}


@pytest.fixture
def image(emulator):
    emulator.reset()
    ecr = boto3.client("ecr", endpoint_url=emulator.url, region_name="us-east-1",
                       aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    ecr.create_repository(repositoryName="backend-flask")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                                      "digest": "sha256:" + "1" * 64}, "layers": []})
    digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    ecr.put_image(repositoryName="backend-flask", imageManifest=manifest, imageTag="0123456789ab", imageDigest=digest)
    return ecr, digest


def findings_of(ecr, digest):
    return ecr.describe_image_scan_findings(repositoryName="backend-flask", imageId={"imageDigest": digest})


def test_no_scan_until_one_is_published(emulator, image):
    ecr, digest = image
    with pytest.raises(ecr.exceptions.ScanNotFoundException):
        findings_of(ecr, digest)


def test_a_published_scan_is_in_progress_then_complete_with_its_findings(emulator, image):
    ecr, digest = image
    emulator.publish_scan("backend-flask", digest, findings=FINDINGS, in_progress_seconds=60)
    assert findings_of(ecr, digest)["imageScanStatus"]["status"] == "IN_PROGRESS"
    emulator.advance_clock(59)
    assert "imageScanFindings" not in findings_of(ecr, digest)
    emulator.advance_clock(2)
    answer = findings_of(ecr, digest)
    assert answer["imageScanStatus"] == {"status": "COMPLETE", "description": "The scan was completed successfully."}
    assert answer["imageId"] == {"imageDigest": digest, "imageTag": "0123456789ab"}
    assert answer["imageScanFindings"]["findings"] == FINDINGS["findings"]
    assert answer["imageScanFindings"]["findingSeverityCounts"] == {"HIGH": 1, "LOW": 1}
    assert "imageScanCompletedAt" in answer["imageScanFindings"]
    # the same scan is found by tag, as ECR finds it
    by_tag = ecr.describe_image_scan_findings(repositoryName="backend-flask", imageId={"imageTag": "0123456789ab"})
    assert by_tag["imageScanFindings"]["findings"] == FINDINGS["findings"]


def test_a_failed_scan_says_why(emulator, image):
    ecr, digest = image
    emulator.publish_scan("backend-flask", digest, status="FAILED", description="UnsupportedImageError: no OS")
    answer = findings_of(ecr, digest)
    assert answer["imageScanStatus"] == {"status": "FAILED", "description": "UnsupportedImageError: no OS"}
    assert "imageScanFindings" not in answer


def test_reset_forgets_published_scans(emulator, image):
    ecr, digest = image
    emulator.publish_scan("backend-flask", digest)
    emulator.reset()
    ecr.create_repository(repositoryName="backend-flask")
    with pytest.raises(ecr.exceptions.ImageNotFoundException):
        findings_of(ecr, digest)


def test_an_unknown_status_is_refused(emulator, image):
    _, digest = image
    r = requests.post(f"{emulator.url}/moto-api/cruddur/ecr/scan-results", timeout=10, json={
        "repositoryName": "backend-flask", "imageDigest": digest, "status": "SOMETIMES"})
    assert r.status_code == 400
