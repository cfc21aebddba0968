"""Both production images get a valid CycloneDX SBOM through the project's own door
(`python -m cruddur_ops sbom <service>`, the command `build` and `make sbom` use), made from the very
images this session built: the backend's venv, the frontend's lockfile, each image's Debian packages."""
from __future__ import annotations

import json
import re
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from containers.images import ROOT
from containers.sbom import write_sbom


def pinned(requirements: str, name: str) -> str:
    return re.search(rf"^{name}==(\S+)$", requirements, re.M).group(1)


def document_of(engine, service, image_tag) -> dict:
    path = write_sbom(engine, service, image_tag)
    assert path == str(ROOT / ".state" / "sbom" / f"{service}-{image_tag}.cdx.json")
    text = Path(path).read_text()
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, f"{path} is not valid CycloneDX 1.6: {error}"
    return json.loads(text)


def purls(document) -> set[str]:
    return {c.get("purl", "").split("?")[0] for c in document["components"]}


def debian_package(document, name) -> dict:
    found = [c for c in document["components"] if c.get("purl", "").startswith(f"pkg:deb/debian/{name}@")]
    assert len(found) == 1, f"one Debian {name} expected in {document['metadata']['component']['name']}'s SBOM"
    return found[0]


def test_backend_sbom_lists_its_venv_and_debian_packages(engine, backend_image, image_tag):
    document = document_of(engine, "backend-flask", image_tag)
    requirements = (ROOT / "backend-flask" / "requirements.txt").read_text()
    assert document["metadata"]["component"]["version"] == image_tag
    for name in ("flask", "gunicorn", "psycopg-pool"):
        assert f"pkg:pypi/{name}@{pinned(requirements, name)}" in purls(document)
    assert any(p.startswith("pkg:pypi/werkzeug@") for p in purls(document)), "transitive packages are listed"
    # The venv was made without pip or setuptools (see Dockerfile.prod), and the SBOM says so.
    assert not any(p.startswith(("pkg:pypi/pip@", "pkg:pypi/setuptools@")) for p in purls(document))
    libc = debian_package(document, "libc6")
    assert libc["purl"].endswith("?arch=amd64&distro=debian-12")


def test_frontend_sbom_lists_the_lockfile_production_packages_and_debian_packages(engine, frontend_image, image_tag):
    document = document_of(engine, "frontend-react-js", image_tag)
    lock = json.loads((ROOT / "frontend-react-js" / "package-lock.json").read_text())["packages"]
    assert f"pkg:npm/react@{lock['node_modules/react']['version']}" in purls(document)
    assert not any(p.startswith(("pkg:npm/vite@", "pkg:npm/vitest@", "pkg:npm/%40cyclonedx/"))
                   for p in purls(document)), "development packages are left out"
    debian_package(document, "libc6")
    debian_package(document, "nginx")
