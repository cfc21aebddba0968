"""The reviewed exceptions to the vulnerability gates (aws/vulnerability-exceptions.toml).

One file serves the image scan gate (verify, deploy) and the dependency audit: each entry names a finding
and the package it was found in, why it is accepted, and until when. An entry past its date no longer lets
the finding through: the finding fails as if the entry were not there, and says that its exception expired.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cruddur_ops.errors import OpsError

FIELDS = ("finding", "package", "reason", "expires")


@dataclass(frozen=True)
class VulnerabilityException:
    finding: str
    package: str
    reason: str
    expires: date


def load_exceptions(path: Path) -> list[VulnerabilityException]:
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return []
    except tomllib.TOMLDecodeError as e:
        raise OpsError(f"{path}: {e}") from None
    entries = []
    for index, entry in enumerate(raw.get("exception", [])):
        where = f"{path}: exception #{index + 1}"
        missing = [name for name in FIELDS if name not in entry]
        if missing or set(entry) - set(FIELDS):
            raise OpsError(f"{where}: needs exactly {', '.join(FIELDS)}"
                           + (f" (missing {', '.join(missing)})" if missing else ""))
        if not isinstance(entry["expires"], date) or hasattr(entry["expires"], "hour"):
            raise OpsError(f"{where}: expires must be a date such as 2027-01-31")
        for name in ("finding", "package", "reason"):
            if not isinstance(entry[name], str) or not entry[name].strip():
                raise OpsError(f"{where}: {name} must be a non-empty string")
        entries.append(VulnerabilityException(entry["finding"], entry["package"], entry["reason"], entry["expires"]))
    return entries


def match(exceptions: list[VulnerabilityException], finding_id: str, package: str,
          today: date) -> tuple[VulnerabilityException | None, bool]:
    """The entry for this finding in this package, and whether it has expired (it holds through its date)."""
    for entry in exceptions:
        if entry.finding == finding_id and entry.package == package:
            return entry, today > entry.expires
    return None, False
