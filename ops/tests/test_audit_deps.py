"""audit-deps: findings named and judged against the exceptions file, and anything unaudited refused.

The first tests replay pip-audit's and npm audit's JSON (the shapes pip-audit 2.10 and npm 11 print) to
pin every verdict line. The last ones run the real tools through the same command: one points them at
data they cannot reach (the gate must fail, not pass), one audits deliberately old pins against the
real PyPI and npm advisory data and proves an excepted finding passes and an expired one fails.
"""
import json
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from cruddur_ops import audit_deps
from tests.fake_image import FIXTURES

AUDIT = FIXTURES / "audit"
NPM_PROJECT = AUDIT / "npm-minimist"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


class Recorded:
    """pip-audit and npm audit answering with recorded JSON (and their exit code for findings)."""

    def __init__(self, pip=None, npm=None):
        self.answers = {"pip_audit": pip, "npm": npm}
        self.calls = []

    def __call__(self, argv, **kwargs):
        tool = "pip_audit" if "pip_audit" in argv else argv[0]
        self.calls.append(argv)
        text = (AUDIT / self.answers[tool]).read_text()
        return subprocess.CompletedProcess(argv, 1, text, "")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "aws").mkdir()
    shutil.copy(FIXTURES.parents[2] / "aws" / "ops.toml", tmp_path / "aws" / "ops.toml")
    shutil.copytree(FIXTURES.parents[2] / "aws" / "environments", tmp_path / "aws" / "environments")
    (tmp_path / "requirements.txt").write_text("urllib3==1.26.4\n")
    shutil.copytree(NPM_PROJECT, tmp_path / "web")
    return tmp_path


def exceptions(project, *entries):
    body = "".join(f'[[exception]]\nfinding = "{f}"\npackage = "{p}"\nreason = "{r}"\nexpires = {e}\n'
                   for f, p, r, e in entries)
    (project / "exceptions.toml").write_text("# test\n" + body)
    return ["--exceptions", "exceptions.toml"]


ARGS = ["audit-deps", "--requirements", "requirements.txt", "--npm-project", "web"]
URLLIB3_1 = "PYSEC-2021-108 (CVE-2021-33503, GHSA-q2q7-5pp4-w6pg) urllib3 1.26.4 fixed in 1.26.5 (requirements.txt)"
URLLIB3_2 = "GHSA-v845-jxx5-vc9f (CVE-2023-43804) urllib3 1.26.4 fixed in 1.26.17, 2.0.6 (requirements.txt)"
MINIMIST = "GHSA-xvch-5gv4-984h minimist 1.2.5 [critical] fixed in 1.2.6 (web/package-lock.json)"
IDNA = "UNAUDITED idna (requirements.txt): Dependency not found on PyPI and could not be audited: idna (2.10)"


def test_every_finding_is_named_with_id_package_version_and_fix(cli, project):
    tools = Recorded(pip="pip-audit-urllib3.json", npm="npm-audit-minimist.json")
    result = cli(ARGS + exceptions(project), root=project, environ={}, subprocess_run=tools, now=lambda: NOW)
    assert result.code == 1
    assert result.stdout.splitlines()[2:] == [
        f"FAIL      {URLLIB3_1}", f"FAIL      {URLLIB3_2}", f"FAIL      {MINIMIST}", IDNA,
        "audit-deps: 4 failing of 4 (3 findings, 1 not audited, 0 notes)"]
    assert tools.calls[1] == ["npm", "audit", "--json", "--omit", "dev", "--package-lock-only"]


def test_an_exception_in_date_passes_its_finding_and_an_expired_one_fails(cli, project):
    tools = Recorded(pip="pip-audit-urllib3.json", npm="npm-audit-minimist.json")
    flags = exceptions(project, ("CVE-2021-33503", "urllib3", "alias matches", "2026-12-01"),
                       ("GHSA-v845-jxx5-vc9f", "urllib3", "only on redirects", "2027-06-30"),
                       ("GHSA-xvch-5gv4-984h", "minimist", "was waiting for 1.2.6", "2026-11-30"))
    result = cli(ARGS + flags, root=project, environ={}, subprocess_run=tools, now=lambda: NOW)
    assert (result.code, result.stdout.splitlines()[2:]) == (1, [
        f"EXCEPTED  {URLLIB3_1}: until 2026-12-01 (alias matches)",
        f"EXCEPTED  {URLLIB3_2}: until 2027-06-30 (only on redirects)",
        f"EXPIRED   {MINIMIST}: its exception ended 2026-11-30 (was waiting for 1.2.6)",
        IDNA, "audit-deps: 2 failing of 4 (3 findings, 1 not audited, 0 notes)"])


def test_findings_below_high_in_npm_are_noted_and_do_not_fail(cli, project, tmp_path_factory):
    report = json.loads((AUDIT / "npm-audit-minimist.json").read_text())
    report["vulnerabilities"]["minimist"]["via"][0]["severity"] = "moderate"  # the same report, rated lower
    (project / "moderate.json").write_text(json.dumps(report))
    tools = Recorded(npm="moderate.json")
    tools.answers["npm"] = project / "moderate.json"
    result = cli(["audit-deps", "--npm-project", "web", *exceptions(project)], root=project, environ={},
                 subprocess_run=tools, now=lambda: NOW)
    assert (result.code, result.stdout.splitlines()[1:]) == (0, [
        f"NOTE      {MINIMIST.replace('critical', 'moderate')}: below high/critical, not failing",
        "audit-deps: 0 failing of 0 (0 findings, 0 not audited, 1 notes)"])


def test_a_malformed_exceptions_file_stops_before_any_audit(cli, project):
    (project / "exceptions.toml").write_text('[[exception]]\nfinding = "X"\n')
    tools = Recorded()
    result = cli([*ARGS, "--exceptions", "exceptions.toml"], root=project, environ={}, subprocess_run=tools)
    assert (result.code, tools.calls) == (1, [])
    assert result.stderr == f"error: {project}/exceptions.toml: [[exception]] #1: field 'package' is missing\n"


@pytest.mark.parametrize("vulnerable, installed, fixed", [
    ("<1.2.6", "1.2.5", "1.2.6"), ("<0.2.4 || >=1.0.0 <1.2.6", "1.2.5", "1.2.6"),
    ("<0.2.4 || >=1.0.0 <1.2.6", "0.2.1", "0.2.4"), ("*", "1.0.0", ""), (">=2.0.0", "2.1.0", "")])
def test_npm_fixed_in_is_the_first_release_past_the_installed_version(vulnerable, installed, fixed):
    assert audit_deps.fixed_in(vulnerable, installed) == fixed


def test_the_project_defaults_cover_what_ships_and_what_ci_installs(repo_root):
    for path in audit_deps.PYTHON_REQUIREMENTS + tuple(f"{p}/package-lock.json" for p in audit_deps.NPM_PROJECTS):
        assert (repo_root / path).exists(), path


# --- the real tools -------------------------------------------------------------------------------------

def test_real_tools_that_cannot_reach_their_data_fail_the_gate(cli, project, monkeypatch):
    # Nothing listens on 127.0.0.1:9: pip-audit (and the pip it resolves with) and npm get no answer.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "5")
    result = cli(ARGS + exceptions(project), root=project, now=lambda: NOW)
    lines = result.stdout.splitlines()
    assert result.code == 1, result.stdout + result.stderr
    assert [line.split(" (")[0] for line in lines if line.startswith("UNAUDITED")][-1] == "UNAUDITED npm audit"
    assert any(line.startswith("UNAUDITED") and "requirements.txt" in line for line in lines), result.stdout
    assert lines[-1].startswith("audit-deps: ") and "(0 findings" in lines[-1]


def real_findings(cli, project):
    """What the real pip-audit and npm audit say of the old pins, read through the command itself."""
    result = cli(ARGS + exceptions(project), root=project, now=lambda: NOW)
    unreachable = [line for line in result.stdout.splitlines() if line.startswith("UNAUDITED")]
    if unreachable:
        pytest.skip("the vulnerability data cannot be reached from here: " + " | ".join(unreachable))
    return [line.split()[1:4] for line in result.stdout.splitlines() if line.startswith("FAIL ")], result


def test_real_audit_of_old_pins_passes_excepted_findings_and_fails_an_expired_one(cli, project):
    findings, first = real_findings(cli, project)
    assert first.code == 1
    ids = {(finding_id, package) for finding_id, *_ in findings for package in ("urllib3", "minimist")
           if package in " ".join(_)}
    assert any(p == "urllib3" for _, p in ids) and any(p == "minimist" for _, p in ids), first.stdout
    in_date = [(i, p, "test: old pin on purpose", "2099-12-31") for i, p in sorted(ids)]
    passed = cli(ARGS + exceptions(project, *in_date), root=project, now=lambda: NOW)
    assert passed.code == 0, passed.stdout
    expired = [(i, p, r, "2026-11-30" if n == 0 else e) for n, (i, p, r, e) in enumerate(in_date)]
    failed = cli(ARGS + exceptions(project, *expired), root=project, now=lambda: NOW)
    assert failed.code == 1
    assert [line.split()[1] for line in failed.stdout.splitlines() if line.startswith("EXPIRED")] == [in_date[0][0]]
