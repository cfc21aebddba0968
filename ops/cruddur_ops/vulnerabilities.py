"""The one reviewed list of vulnerability exceptions (aws/vulnerability-exceptions.toml).

Both gates read it: the dependency audit before push (`audit-deps`) and the image scan gate before
register. An entry excepts one finding in one package until its expiry date; after that date the finding
fails again, exactly as if the entry were not there, so an exception is always a dated decision.

    [[exception]]
    finding = "GHSA-xxxx-xxxx-xxxx"   # or CVE-…, PYSEC-…
    package = "openssl"
    reason = "why it does not apply / what we wait for"
    expires = 2027-01-31              # a TOML date; the entry holds through that day
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cruddur_ops.config import read_toml
from cruddur_ops.errors import OpsError

EXCEPTIONS_FILE = "aws/vulnerability-exceptions.toml"
FIELDS = ("finding", "package", "reason", "expires")


@dataclass(frozen=True)
class VulnerabilityException:
    finding: str
    package: str
    reason: str
    expires: date

    def has_expired(self, today: date) -> bool:
        return today > self.expires


def normalise_package(name: str) -> str:
    """Package names compare the way their registries do: case-insensitive, and for Python `-`, `_` and
    `.` alike (PEP 503). npm names keep their scope (`@aws-amplify/core`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _entry(path: Path, index: int, raw) -> VulnerabilityException:
    where = f"{path}: [[exception]] #{index}"
    if not isinstance(raw, dict):
        raise OpsError(f"{where}: is not a table")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise OpsError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    for name in FIELDS:
        if name not in raw:
            raise OpsError(f"{where}: field {name!r} is missing")
    for name in ("finding", "package", "reason"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise OpsError(f"{where}: field {name!r} must be a non-empty string")
    expires = raw["expires"]
    # tomllib reads 2027-01-31 as a date and 2027-01-31T00:00:00 as a datetime (a date subclass).
    if not isinstance(expires, date) or isinstance(expires, datetime):
        raise OpsError(f"{where}: field 'expires' must be a TOML date like 2027-01-31, not {expires!r}")
    return VulnerabilityException(raw["finding"].strip(), raw["package"].strip(), raw["reason"].strip(), expires)


def load_exceptions(path: Path) -> list[VulnerabilityException]:
    """Every entry of the file, checked; a malformed entry is an OpsError naming the file, the entry's
    place (counted from 1) and the field."""
    raw = read_toml(path, "exceptions file")
    unknown = sorted(set(raw) - {"exception"})
    if unknown:
        raise OpsError(f"{path}: unknown key {unknown[0]!r}; entries are [[exception]] tables")
    entries = raw.get("exception", [])
    if not isinstance(entries, list):
        raise OpsError(f"{path}: 'exception' must be an array of tables ([[exception]])")
    exceptions = [_entry(path, index, entry) for index, entry in enumerate(entries, start=1)]
    seen = {}
    for index, entry in enumerate(exceptions, start=1):
        key = (entry.finding.upper(), normalise_package(entry.package))
        if key in seen:
            raise OpsError(f"{path}: [[exception]] #{index}: repeats #{seen[key]} "
                           f"({entry.finding} in {entry.package})")
        seen[key] = index
    return exceptions


def match(exceptions: list[VulnerabilityException], finding_id: str, package: str,
          today: date) -> tuple[VulnerabilityException | None, bool]:
    """The entry excepting `finding_id` in `package` (ids compare case-insensitively, package names as
    their registries compare them), and whether it has expired. (None, False) when there is none."""
    for entry in exceptions:
        if (entry.finding.upper() == finding_id.upper()
                and normalise_package(entry.package) == normalise_package(package)):
            return entry, entry.has_expired(today)
    return None, False
