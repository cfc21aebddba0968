"""Liveness (no I/O: is the process serving?) and readiness (do its dependencies answer?)."""
from flask import Blueprint, current_app

from cruddur.readiness import run_checks

bp = Blueprint("health", __name__)


@bp.get("/health-check")
def liveness():
    return {"success": True}


@bp.get("/health-check/ready")
def readiness():
    ready, checks = run_checks(current_app)
    return {"ready": ready, "checks": checks}, 200 if ready else 503
