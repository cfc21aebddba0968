"""hadolint (with DL3057, a missing HEALTHCHECK, switched on) and checkov find nothing in our container files.

Each linter is also shown a Dockerfile with known faults, so a linter that silently checks nothing fails.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_BIN = ROOT / ".venv-lint" / "bin"
DOCKERFILES = [ROOT / p for p in ("backend-flask/Dockerfile", "backend-flask/Dockerfile.prod",
                                  "frontend-react-js/Dockerfile", "frontend-react-js/Dockerfile.prod",
                                  "containers/aws-local/Dockerfile")]
OTHER_FILES = [ROOT / p for p in ("frontend-react-js/nginx.conf", "frontend-react-js/container/entrypoint",
                                  "frontend-react-js/container/health-check", "docker-compose.yml",
                                  "containers/docker-compose.ci.yml")]
FAULTY = """FROM python:latest
ADD . /app
RUN pip install flask
CMD ["python", "/app/app.py"]
"""


def hadolint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_BIN / "hadolint"), "--no-color", "--failure-threshold", "style",
                           "--warning", "DL3057", str(path)], capture_output=True, text=True)


def checkov(paths: list[Path]) -> subprocess.CompletedProcess:
    files = [flag for p in paths for flag in ("-f", str(p))]
    return subprocess.run([str(LINT_BIN / "checkov"), "--framework", "dockerfile", "secrets", "--skip-download",
                           "--compact", "--quiet", *files], capture_output=True, text=True)


@pytest.fixture(scope="module")
def faulty_dockerfile(tmp_path_factory):
    path = tmp_path_factory.mktemp("faulty") / "Dockerfile"
    path.write_text(FAULTY)
    return path


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_finds_nothing(dockerfile):
    r = hadolint(dockerfile)
    assert (r.returncode, r.stdout) == (0, ""), r.stdout + r.stderr


def test_hadolint_reports_a_missing_healthcheck(faulty_dockerfile):
    r = hadolint(faulty_dockerfile)
    assert r.returncode == 1
    assert {"DL3057", "DL3007", "DL3020", "DL3013"} <= {w.split()[1] for w in r.stdout.splitlines()}


def test_checkov_finds_nothing():
    r = checkov(DOCKERFILES + OTHER_FILES)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Failed checks: 0" in r.stdout and "Passed checks: 0," not in r.stdout, r.stdout


def test_checkov_fails_a_root_image_without_healthcheck(faulty_dockerfile):
    r = checkov([faulty_dockerfile])
    assert r.returncode == 1
    assert {"CKV_DOCKER_2", "CKV_DOCKER_3", "CKV_DOCKER_7"} <= set(re.findall(r"CKV_\w+", r.stdout)), r.stdout
