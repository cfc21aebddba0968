"""ECR image scans: wait for the scan of a digest, read its findings, and hold them against the reviewed
exceptions in aws/vulnerability-exceptions.toml.

Basic scanning reports findings under `findings` (CVE name, severity, package attributes; no fixed
version); enhanced scanning (Amazon Inspector) under `enhancedFindings`, with the fixed version per package.
Both are read. A digest is only judged on a COMPLETE scan (ACTIVE, for enhanced continuous scanning).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from botocore.exceptions import ClientError

from cruddur_ops import ecs, vulnerabilities
from cruddur_ops.errors import UNSCANNED, OpsError

BLOCKING = ("CRITICAL", "HIGH")
DONE = ("COMPLETE", "ACTIVE")
WAITING = ("IN_PROGRESS", "PENDING")


@dataclass(frozen=True)
class Finding:
    id: str
    package: str
    version: str
    severity: str
    fixed_in: str

    def line(self) -> str:
        return (f"{self.id} {self.severity} in {self.package} {self.version or '(version unknown)'} "
                f"(fixed in {self.fixed_in or 'no fixed version known'})")


@dataclass(frozen=True)
class Scan:
    status: str
    description: str
    findings: list[Finding]


def _basic(finding: dict) -> list[Finding]:
    attributes = {a.get("key"): a.get("value", "") for a in finding.get("attributes", [])}
    return [Finding(finding.get("name", "?"), attributes.get("package_name", "?"),
                    attributes.get("package_version", ""), finding.get("severity", "UNDEFINED"), "")]


def _enhanced(finding: dict) -> list[Finding]:
    details = finding.get("packageVulnerabilityDetails", {})
    packages = details.get("vulnerablePackages") or [{}]
    return [Finding(details.get("vulnerabilityId") or finding.get("title", "?"), package.get("name", "?"),
                    package.get("version", ""), finding.get("severity", "UNTRIAGED"),
                    package.get("fixedInVersion", "") if package.get("fixedInVersion") != "NotAvailable" else "")
            for package in packages]


def describe(ecr, repository: str, digest: str) -> Scan | None:
    """The scan of `digest` as ECR reports it now, every page of findings; None when no scan exists."""
    status, description, findings = "", "", []
    try:
        for page in ecr.get_paginator("describe_image_scan_findings").paginate(
                repositoryName=repository, imageId={"imageDigest": digest}):
            status = page.get("imageScanStatus", {}).get("status", "")
            description = page.get("imageScanStatus", {}).get("description", "")
            found = page.get("imageScanFindings", {})
            findings += [f for raw in found.get("findings", []) for f in _basic(raw)]
            findings += [f for raw in found.get("enhancedFindings", []) for f in _enhanced(raw)]
    except ClientError as e:
        if e.response["Error"]["Code"] == "ScanNotFoundException":
            return None
        raise
    return Scan(status, description, findings)


def wait(ctx, repository: str, digest: str, timeout: float, interval: float = 10) -> Scan:
    """Wait until the scan of `digest` is complete; UNSCANNED when it failed or did not complete in time."""
    started = ctx.clock()
    label = f"scan of {repository}@{digest[:19]}"
    while True:
        scan = describe(ctx.aws.ecr, repository, digest)
        if scan and scan.status in DONE:
            return scan
        if scan and scan.status not in WAITING:
            raise OpsError(f"{label}: {scan.status}" + (f" ({scan.description})" if scan.description else ""),
                           UNSCANNED)
        elapsed = ctx.clock() - started
        if elapsed >= timeout:
            state = f"still {scan.status}" if scan else "no scan has started (is scan on push on?)"
            raise OpsError(f"{label}: {state} after {ecs.format_duration(timeout)}", UNSCANNED)
        ctx.out.progress(f"{label}: {scan.status if scan else 'not started'} "
                         f"({ecs.format_duration(elapsed)} of {ecs.format_duration(timeout)})")
        ctx.sleep(min(interval, timeout - elapsed))


@dataclass(frozen=True)
class Judgement:
    refused: list[tuple[Finding, str]]     # each blocking finding with why it blocks
    excepted: list[tuple[Finding, str]]    # each blocking finding let through, with the exception's reason


def judge(findings: list[Finding], exceptions: list, today: date) -> Judgement:
    refused, excepted = [], []
    for finding in findings:
        if finding.severity not in BLOCKING:
            continue
        entry, expired = vulnerabilities.match(exceptions, finding.id, finding.package, today)
        if entry is None:
            refused.append((finding, "no exception"))
        elif expired:
            refused.append((finding, f"its exception expired on {entry.expires.isoformat()}"))
        else:
            excepted.append((finding, f"excepted until {entry.expires.isoformat()}: {entry.reason}"))
    return Judgement(refused, excepted)


def load_exceptions(root) -> list:
    return vulnerabilities.load_exceptions(root / vulnerabilities.EXCEPTIONS_FILE)
