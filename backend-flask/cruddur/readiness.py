"""The checks behind GET /api/health-check/ready; each area registers its own.

A check is a function of no arguments that returns None when its dependency answers and raises
(with a short reason) when it does not. Checks must bound their own time (connect/read timeouts).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask

from cruddur import logs

Check = Callable[[], None]


def init_app(app: Flask) -> None:
    app.extensions["cruddur.readiness"] = {}


def register_readiness_check(app: Flask, name: str, check: Check) -> None:
    app.extensions["cruddur.readiness"][name] = check


def run_checks(app: Flask) -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in app.extensions["cruddur.readiness"].items():
        try:
            check()
            results[name] = "ok"
        except Exception as err:  # any failure, whatever its type, only makes the task not ready
            reason = f"{type(err).__name__}: {err}"
            logs.event("readiness check failed", logging.WARNING, check=name, reason=reason)
            results[name] = reason[:200]  # the public answer stays short; the log has it whole
    return all(v == "ok" for v in results.values()), results
