"""SBOMs: one CycloneDX document per image, its contents read from the image itself and the lockfile.

- Python: the distributions of the image's own virtualenv (a venv whose bin/ is on the image's PATH),
  listed by `cyclonedx-py environment`.
- npm: the production packages of the service's package-lock.json, listed by `cyclonedx-npm
  --package-lock-only --omit dev` (the web image holds their bundled output, not node_modules).
- Debian: every installed package of the image's /var/lib/dpkg/status, as pkg:deb purls.

The image is never run: a container is created, the few paths needed are copied out (`docker cp`), and
the container is removed. So this needs no network, and works for an image of another architecture.
cyclonedx-py asks a Python interpreter for its sys.path and reads the distributions found there; it is
given a throwaway venv of this machine's Python whose only site path is the copied site-packages (a .pth
line), so it lists exactly the image's distributions, whatever Python version the image has.

The parts are merged into one document under a `container` component for the image, and the result is
checked against the CycloneDX schema before it is written (once, so the tools are told not to check their
own parts).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from packageurl import PackageURL

from cruddur_ops.docker import docker_output, image_exists
from cruddur_ops.errors import OpsError
from cruddur_ops.registry import digest_of, embedded_layers

SPEC_VERSION = "1.6"
DPKG_STATUS = "/var/lib/dpkg/status"
OS_RELEASE = "/etc/os-release"
IMAGE_ID_PROPERTY = "cruddur:image:id"
TOOL = {"type": "application", "group": "cruddur", "name": "cruddur_ops.sbom",
        "description": "reads the image's Debian packages and merges the parts into one document"}


MEDIA_TYPE = "application/vnd.cyclonedx+json"


def artifact_tag(digest: str) -> str:
    """Where a release's SBOM is kept beside its image: cosign's tag for an SBOM of that digest."""
    return digest.replace(":", "-") + ".sbom"


def stored(registry, repository: str, digest: str, document_digest: str) -> dict | None:
    """The SBOM kept beside image `digest` whose content has `document_digest` (the one its release
    signature names); None when there is no such document."""
    manifest = registry.manifest(repository, artifact_tag(digest))
    for data, _ in embedded_layers(manifest or {}, MEDIA_TYPE):
        if digest_of(data) == document_digest:
            return json.loads(data)
    return None


def path_for(root: Path, repository: str, tag: str) -> Path:
    return root / ".state" / "sbom" / f"{repository}-{tag}.cdx.json"


# --- Debian packages ------------------------------------------------------------------------------------

def parse_dpkg_status(text: str) -> list[dict[str, str]]:
    """The stanzas of a dpkg status file as field → value (continuation lines joined with newlines)."""
    stanzas, fields, last = [], {}, None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if fields:
                stanzas.append(fields)
            fields, last = {}, None
        elif line[0] in " \t" and last:
            fields[last] += "\n" + line.strip()
        else:
            last, _, value = line.partition(":")
            fields[last] = value.strip()
    return stanzas


def parse_os_release(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            values[name.strip()] = value.strip().strip('"')
    return values


def debian_components(status: str, os_release: str) -> list[dict]:
    """A CycloneDX component per installed package (`Status: … installed`; removed packages whose
    configuration files remain are not installed), purl pkg:deb/<ID>/<name>@<version>?arch=…&distro=…."""
    release = parse_os_release(os_release)
    namespace = release.get("ID", "debian")
    distro = f"{namespace}-{release['VERSION_ID']}" if release.get("VERSION_ID") else None
    components = []
    for package in parse_dpkg_status(status):
        if package.get("Status", "").split()[-1:] != ["installed"]:
            continue
        qualifiers = {"arch": package["Architecture"], **({"distro": distro} if distro else {})}
        purl = PackageURL(type="deb", namespace=namespace, name=package["Package"], version=package["Version"],
                          qualifiers=qualifiers).to_string()
        component = {"type": "library", "bom-ref": purl, "name": package["Package"],
                     "version": package["Version"], "purl": purl}
        summary = package.get("Description", "").split("\n")[0]
        if summary:
            component["description"] = summary
        components.append(component)
    return sorted(components, key=lambda c: c["name"])


# --- merging and checking -------------------------------------------------------------------------------

def _roots(part: dict) -> list[str]:
    """What the image depends on directly from one part: its main component if it has one (the npm
    project), else the components nothing in the part depends on (a venv, the Debian packages)."""
    main = part.get("metadata", {}).get("component")
    if main:
        return [main["bom-ref"]]
    depended = {ref for entry in part.get("dependencies", []) for ref in entry.get("dependsOn", [])}
    return [c["bom-ref"] for c in part.get("components", []) if c["bom-ref"] not in depended]


def merge(image: dict, parts: list[dict], timestamp: str) -> dict:
    """One CycloneDX document: `image` (a container component) as its subject, depending on each part's
    roots; every part's components and dependency graph kept as the tools wrote them."""
    components, dependencies, tools, roots = [], [], [], []
    for part in parts:
        main = part.get("metadata", {}).get("component")
        components += ([main] if main else []) + part.get("components", [])
        dependencies += part.get("dependencies", [])
        tools += part.get("metadata", {}).get("tools", {}).get("components", [])
        roots += _roots(part)
    seen = set()
    for ref in [image["bom-ref"]] + [c["bom-ref"] for c in components]:
        if ref in seen:
            raise OpsError(f"SBOM parts disagree: two components are both called {ref!r}")
        seen.add(ref)
    unique_tools = list({(t.get("group"), t["name"], t.get("version")): t for t in [*tools, TOOL]}.values())
    return {
        "$schema": f"http://cyclonedx.org/schema/bom-{SPEC_VERSION}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {"timestamp": timestamp, "tools": {"components": unique_tools}, "component": image},
        "components": components,
        "dependencies": [{"ref": image["bom-ref"], "dependsOn": roots}, *dependencies],
    }


def validate(document: dict) -> None:
    """Refuse a document the CycloneDX JSON schema (strict: no unknown fields) does not accept."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.from_version(document["specVersion"])).validate_str(json.dumps(document))
    if error is not None:
        raise OpsError(f"the SBOM is not valid CycloneDX {document['specVersion']}: {error.data.message}")


# --- reading the image ----------------------------------------------------------------------------------

def _inspect(ctx, reference: str) -> dict:
    return json.loads(docker_output(ctx, "image", "inspect", "--format", "{{json .}}", reference))


@contextmanager
def _created(ctx, reference: str):
    """A container of the image that never starts; removed afterwards."""
    container = docker_output(ctx, "create", reference).strip()
    try:
        yield container
    finally:
        ctx.subprocess_run(["docker", "rm", "-f", container], capture_output=True, text=True, cwd=ctx.root)


def _copy_out(ctx, container: str, source: str, destination: Path) -> bool:
    """`docker cp` one path (links followed) out of the container; False if the image has no such path."""
    result = ctx.subprocess_run(["docker", "cp", "-L", f"{container}:{source}", str(destination)],
                                capture_output=True, text=True, cwd=ctx.root)
    if result.returncode == 0:
        return True
    if "Could not find the file" in result.stderr or "No such container:path" in result.stderr:
        return False
    raise OpsError(f"docker cp {source} failed (exit {result.returncode}): {result.stderr.strip()}")


def _venv_roots(config: dict) -> list[str]:
    """Candidate venvs: each `<dir>/bin` on the image's PATH names `<dir>`, a venv if it has pyvenv.cfg."""
    path = next((e.partition("=")[2] for e in config.get("Env") or [] if e.startswith("PATH=")), "")
    folders = (d.rstrip("/") for d in path.split(":"))
    return list(dict.fromkeys(os.path.dirname(d) for d in folders if d.endswith("/bin")))


def _tool_json(ctx, argv: list[str], what: str, cwd: Path) -> dict:
    result = ctx.subprocess_run(argv, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        raise OpsError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)


def python_part(ctx, site_packages: list[Path], work: Path) -> dict:
    """`cyclonedx-py environment` over the given site-packages folders, and nothing else."""
    reader = work / "reader"
    ctx.subprocess_run([sys.executable, "-m", "venv", "--without-pip", str(reader)], check=True,
                       capture_output=True, cwd=ctx.root)
    own_site = reader / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (own_site / "image-venv.pth").write_text("".join(f"{folder}\n" for folder in site_packages))
    return _tool_json(ctx, [sys.executable, "-m", "cyclonedx_py", "environment", "--spec-version", SPEC_VERSION,
                            "--output-reproducible", "--no-validate", "--output-format", "JSON", "--output-file", "-",
                            str(reader)],
                      "cyclonedx-py environment", ctx.root)


def npm_part(ctx, project: Path) -> dict:
    """`cyclonedx-npm` over the project's lockfile: production dependencies only, one flat list."""
    tool = project / "node_modules" / ".bin" / "cyclonedx-npm"
    if not tool.exists():
        raise OpsError(f"{tool.relative_to(ctx.root) if tool.is_relative_to(ctx.root) else tool} is missing; "
                       "install the web app's pinned tools first: make frontend-setup")
    return _tool_json(ctx, [str(tool), "--package-lock-only", "--omit", "dev", "--flatten-components",
                            "--spec-version", SPEC_VERSION, "--output-reproducible", "--no-validate", "--output-format",
                            "JSON", "--output-file", "-"], "cyclonedx-npm", project)


def _tag_of(reference: str) -> str:
    _name, sep, tag = reference.rpartition(":")
    return tag if sep and "/" not in tag else "latest"


def generate(ctx, service, image_reference: str) -> dict:
    """The SBOM of a local image of `service`, checked against the schema."""
    if not image_exists(ctx, image_reference):
        raise OpsError(f"no local image {image_reference}; build it first: python -m cruddur_ops build {service.name}")
    config = _inspect(ctx, image_reference)
    parts = []
    with tempfile.TemporaryDirectory(prefix="cruddur-sbom-") as scratch, _created(ctx, image_reference) as container:
        work = Path(scratch)
        if not _copy_out(ctx, container, DPKG_STATUS, work / "dpkg-status"):
            raise OpsError(f"{image_reference} has no {DPKG_STATUS}: its Debian packages cannot be listed")
        os_release = work / "os-release"
        release = os_release.read_text() if _copy_out(ctx, container, OS_RELEASE, os_release) else ""
        parts.append({"components": debian_components((work / "dpkg-status").read_text(), release)})
        site_packages = []
        for index, venv in enumerate(_venv_roots(config.get("Config") or {})):
            copy = work / f"venv-{index}"
            if _copy_out(ctx, container, f"{venv}/pyvenv.cfg", work / f"pyvenv-{index}.cfg"):
                _copy_out(ctx, container, f"{venv}/lib", copy)
                site_packages += sorted(copy.glob("python3*/site-packages"))
        if site_packages:
            python = python_part(ctx, site_packages, work)
            if not python.get("components"):
                raise OpsError(f"cyclonedx-py found no Python distributions in {image_reference}'s venv")
            parts.append(python)
    if (service.context / "package-lock.json").exists():
        parts.append(npm_part(ctx, service.context))
    image = {"type": "container", "bom-ref": image_reference, "name": service.repository,
             "version": _tag_of(image_reference),
             "properties": [{"name": IMAGE_ID_PROPERTY, "value": config["Id"]}]}
    document = merge(image, parts, ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    validate(document)
    return document


def image_id_of(document: dict) -> str | None:
    properties = document.get("metadata", {}).get("component", {}).get("properties", [])
    return next((p["value"] for p in properties if p["name"] == IMAGE_ID_PROPERTY), None)


def write(ctx, service, tag: str) -> Path:
    """Generate the SBOM of `<repository>:<tag>` and write it to path_for(...) (whole, or not at all)."""
    path = path_for(ctx.root, service.repository, tag)
    document = generate(ctx, service, f"{service.repository}:{tag}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document, indent=2) + "\n")
    partial.replace(path)
    return path


def ensure(ctx, service, tag: str) -> Path:
    """The SBOM file of `<repository>:<tag>`: the one written before if it describes this very image (same
    image id), else a new one (the tag was rebuilt, or no SBOM was written yet)."""
    path = path_for(ctx.root, service.repository, tag)
    if path.exists():
        current = _inspect(ctx, f"{service.repository}:{tag}")["Id"]
        if image_id_of(json.loads(path.read_text())) == current:
            return path
    return write(ctx, service, tag)
