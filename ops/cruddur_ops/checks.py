"""One check of a pre-flight tree (verify, the release gate): OK, NG or SKIP, with what it looked at and why."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    group: str
    status: str      # OK, NG or SKIP
    subject: str
    detail: str = ""
    code: int = 0    # the exit code an NG check refuses with, where it has one of its own

    def line(self) -> str:
        return f"{self.status:<4} {self.subject}" + (f": {self.detail}" if self.detail else "")
