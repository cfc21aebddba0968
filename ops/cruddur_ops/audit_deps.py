"""`audit-deps`: the pinned dependencies against real vulnerability data, before anything is pushed.

- Python: `pip-audit -r <file>` per environment we install as one (the backend image, the development
  venv `.venv`, the linters' `.venv-lint`). pip-audit resolves each file in a throwaway venv, so
  transitive packages are audited too, and asks PyPI for each package's known vulnerabilities.
  PyPI's data carries no severity: every Python finding counts.
- npm: `npm audit --omit dev` per lockfile (production packages only: the development tree never ships).
  Findings of severity high or critical count; lower ones are printed and do not fail.

A finding passes only when aws/vulnerability-exceptions.toml excepts it (by its id or one of its
aliases, in that package) and the exception has not expired. A package the tool could not audit, or a
tool that could not reach its data, fails too: a gate that cannot see must not say "clean".
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cruddur_ops import vulnerabilities
from cruddur_ops.errors import FAILED, OK, OpsError

HELP = "audit pinned Python requirements (pip-audit) and npm lockfiles (npm audit); exit 1 on findings not excepted"

# One file per environment that is installed as one: what ships, then what runs in CI.
PYTHON_REQUIREMENTS = ("backend-flask/requirements.txt", "requirements-dev.txt", "tools/lint-requirements.txt")
NPM_PROJECTS = ("frontend-react-js",)
NPM_FAILING_SEVERITIES = ("high", "critical")


@dataclass(frozen=True)
class Finding:
    source: str                 # the file audited
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    fixed_in: str = ""
    severity: str = ""          # empty where the data has none (PyPI)

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def describe(self) -> str:
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        severity = f" [{self.severity}]" if self.severity else ""
        return (f"{self.id}{also} {self.package} {self.version}{severity} "
                f"fixed in {self.fixed_in or 'no release yet'} ({self.source})")


@dataclass(frozen=True)
class Unaudited:
    source: str
    what: str
    why: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    unaudited: list[Unaudited] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)   # below the failing severity


def _tail(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "…" + text[-limit:]


def pip_audit(ctx, requirements: Path, report: Report) -> None:
    source = str(requirements.relative_to(ctx.root)) if requirements.is_relative_to(ctx.root) else str(requirements)
    result = ctx.subprocess_run([sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
                                 "--format", "json", "--desc", "off", "--aliases", "on",
                                 "--progress-spinner", "off"], capture_output=True, text=True, cwd=ctx.root)
    try:
        answer = json.loads(result.stdout)
    except json.JSONDecodeError:
        report.unaudited.append(Unaudited(source, "pip-audit", f"exit {result.returncode}: {_tail(result.stderr)}"))
        return
    for dependency in answer.get("dependencies", []):
        if "skip_reason" in dependency:
            report.unaudited.append(Unaudited(source, dependency["name"], dependency["skip_reason"]))
            continue
        for vuln in dependency.get("vulns", []):
            report.findings.append(Finding(source, dependency["name"], dependency["version"], vuln["id"],
                                           tuple(vuln.get("aliases", [])), ", ".join(vuln.get("fix_versions", []))))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("-")[0])[:3])


def fixed_in(vulnerable_range: str, installed: str) -> str:
    """The first release past the vulnerable range that holds the installed version: npm ranges read
    like `<1.2.6` or `>=1.0.0 <1.2.6 || <0.2.4`."""
    bounds = [m.group(1) for part in vulnerable_range.split("||")
              for m in [re.search(r"<\s*(\d+(?:\.\d+)*)", part)] if m]
    later = sorted((b for b in bounds if _version_key(b) > _version_key(installed)), key=_version_key)
    return later[0] if later else ""


def npm_audit(ctx, project: Path, report: Report) -> None:
    lockfile = project / "package-lock.json"
    source = str(lockfile.relative_to(ctx.root)) if lockfile.is_relative_to(ctx.root) else str(lockfile)
    result = ctx.subprocess_run(["npm", "audit", "--json", "--omit", "dev", "--package-lock-only"],
                                capture_output=True, text=True, cwd=project)
    try:
        answer = json.loads(result.stdout)
    except json.JSONDecodeError:
        report.unaudited.append(Unaudited(source, "npm audit", f"exit {result.returncode}: {_tail(result.stderr)}"))
        return
    if "error" in answer or "vulnerabilities" not in answer:
        why = answer.get("message") or answer.get("error", {}).get("summary") or _tail(result.stdout)
        report.unaudited.append(Unaudited(source, "npm audit", why))
        return
    installed = json.loads(lockfile.read_text()).get("packages", {})
    for entry in answer["vulnerabilities"].values():
        for advisory in entry.get("via", []):
            if not isinstance(advisory, dict):
                continue  # a package that is vulnerable through another one; that one is listed itself
            nodes = entry.get("nodes") or [f"node_modules/{advisory['name']}"]
            version = installed.get(nodes[0], {}).get("version", "?")
            url = advisory.get("url", "")
            finding = Finding(source, advisory["name"], version, url.rstrip("/").rsplit("/", 1)[-1] or
                              str(advisory.get("source")), (), fixed_in(advisory.get("range", ""), version),
                              advisory.get("severity", ""))
            failing = finding.severity in NPM_FAILING_SEVERITIES
            (report.findings if failing else report.notes).append(finding)


def judge(report: Report, exceptions, today, out) -> int:
    """One line per finding; exit 1 unless every counted finding is excepted and in date, and everything
    was audited."""
    failures = 0
    for finding in report.findings:
        entry, expired = next(((e, x) for e, x in (vulnerabilities.match(exceptions, i, finding.package, today)
                                                   for i in finding.ids) if e), (None, False))
        if entry is None:
            failures += 1
            out.line(f"FAIL      {finding.describe()}")
        elif expired:
            failures += 1
            out.line(f"EXPIRED   {finding.describe()}: its exception ended {entry.expires.isoformat()} "
                     f"({entry.reason})")
        else:
            out.line(f"EXCEPTED  {finding.describe()}: until {entry.expires.isoformat()} ({entry.reason})")
    for note in report.notes:
        out.line(f"NOTE      {note.describe()}: below {'/'.join(NPM_FAILING_SEVERITIES)}, not failing")
    for gap in report.unaudited:
        failures += 1
        out.line(f"UNAUDITED {gap.what} ({gap.source}): {gap.why}")
    counted = len(report.findings) + len(report.unaudited)
    out.line(f"audit-deps: {failures} failing of {counted} "
             f"({len(report.findings)} findings, {len(report.unaudited)} not audited, {len(report.notes)} notes)")
    return FAILED if failures else OK


def audit(ctx, requirements: list[Path], npm_projects: list[Path], exceptions_file: Path) -> int:
    exceptions = vulnerabilities.load_exceptions(exceptions_file)  # a malformed file stops before any audit
    report = Report()
    for path in requirements:
        if not path.exists():
            raise OpsError(f"{path}: requirements file missing")
        ctx.out.progress(f"pip-audit {path.relative_to(ctx.root) if path.is_relative_to(ctx.root) else path}")
        pip_audit(ctx, path, report)
    for project in npm_projects:
        if not (project / "package-lock.json").exists():
            raise OpsError(f"{project}: no package-lock.json to audit")
        ctx.out.progress(f"npm audit {project.relative_to(ctx.root) if project.is_relative_to(ctx.root) else project}")
        npm_audit(ctx, project, report)
    return judge(report, exceptions, ctx.now().date(), ctx.out)


def configure(parser) -> None:
    parser.add_argument("--requirements", action="append", type=Path, metavar="FILE",
                        help="a pinned requirements file (repeatable; default: " + ", ".join(PYTHON_REQUIREMENTS) + ")")
    parser.add_argument("--npm-project", action="append", type=Path, metavar="DIR",
                        help="a folder holding package-lock.json (repeatable; default: "
                             + ", ".join(NPM_PROJECTS) + ")")
    parser.add_argument("--exceptions", type=Path, help=f"exceptions file (default: {vulnerabilities.EXCEPTIONS_FILE})")


def run(args, ctx) -> int:
    requirements = args.requirements or [Path(p) for p in PYTHON_REQUIREMENTS]
    projects = args.npm_project or [Path(p) for p in NPM_PROJECTS]
    if args.requirements is not None and args.npm_project is None:
        projects = []  # naming only requirements audits only those (and the other way round)
    if args.npm_project is not None and args.requirements is None:
        requirements = []
    return audit(ctx, [ctx.root / p for p in requirements], [ctx.root / p for p in projects],
                 ctx.root / (args.exceptions or vulnerabilities.EXCEPTIONS_FILE))
