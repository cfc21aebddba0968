"""What every admin command receives, and the one error it raises for a failure the operator can act on.

The exit codes are ops' own (ops/cruddur_ops/errors.py), so a script calling bin/ecs/* and bin/db/* reads
both the same way; tests/admin/test_cli.py checks that the two agree.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from cruddur.config import Settings

FAILED = 1  # a known failure: the one printed line says what and why
USAGE = 64  # bad command line (EX_USAGE)
BUG = 70    # unexpected exception (EX_SOFTWARE): traceback printed


class Failure(Exception):
    """A failure the operator can act on: printed as one line, exit FAILED."""


@dataclass(frozen=True)
class AdminSettings:
    """The commands' view of the environment: the API's own Settings, read but not validated (a chore runs
    before the API's full environment exists, and each command checks what it uses), plus
    PROD_CONNECTION_URL, which only the database commands read, for acting on production from a workstation."""
    api: Settings
    prod_connection_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AdminSettings:
        return cls(Settings.read(env), env.get("PROD_CONNECTION_URL", ""))

    def database(self, production: bool) -> tuple[str, str]:
        """(variable, URL) of the database to act on."""
        if production:
            return "PROD_CONNECTION_URL", self.prod_connection_url
        return "CONNECTION_URL", self.api.connection_url


@dataclass(frozen=True)
class Console:
    settings: AdminSettings
    out: TextIO
    ask: Callable[[str], str]
    now: Callable[[], datetime]
