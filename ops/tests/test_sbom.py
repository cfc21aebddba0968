"""SBOMs: Debian packages read from a real dpkg status sample, the image's venv listed by the real
cyclonedx-py, a real cyclonedx-npm document merged in, and every result checked by cyclonedx-python-lib's
strict JSON validator. The docker CLI is the folder-tree stand-in of fake_image.py; the container proof
(containers/tests/test_sbom.py) does the same against real built images."""
import io
import json
import shutil
import subprocess

import pytest

from cruddur_ops import config, sbom
from cruddur_ops.context import Context, Runtime
from cruddur_ops.errors import OpsError
from cruddur_ops.output import Output
from tests.fake_image import FIXTURES, IMAGE_TREE, FakeImages

TAG = "0123456789ab"
DEB = {  # the installed packages of fixtures/sbom/image/var/lib/dpkg/status (real stanzas from Debian 12)
    "bsdutils": "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12",
    "libc6": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12",
    "tzdata": "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u2?arch=all&distro=debian-12",
}
PYPI = {"Flask": "pkg:pypi/flask@3.1.3", "itsdangerous": "pkg:pypi/itsdangerous@2.2.0",
        "MarkupSafe": "pkg:pypi/markupsafe@3.0.4"}


@pytest.fixture
def checkout(tmp_path, repo_root):
    """A git repository holding the ops config, with one commit."""
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=ops", "-c", "user.email=ops@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    return tmp_path


def context(root, subprocess_run) -> Context:
    from datetime import datetime, timezone
    runtime = Runtime(environ={}, clock=lambda: 0.0, sleep=lambda s: None, subprocess_run=subprocess_run,
                      now=lambda: datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc), which=shutil.which)
    return Context.of(runtime, config.load(root, {}), Output(io.StringIO(), io.StringIO(), tty=False), aws=None)


def purls(document) -> dict[str, str]:
    return {c["name"]: c.get("purl") for c in document["components"]}


def test_the_sbom_lives_under_state_named_after_repository_and_tag(tmp_path):
    assert sbom.path_for(tmp_path, "backend-flask", TAG) == tmp_path / ".state/sbom/backend-flask-0123456789ab.cdx.json"


def test_installed_debian_packages_become_components_with_purls():
    status = (IMAGE_TREE / "var/lib/dpkg/status").read_text()
    components = sbom.debian_components(status, (IMAGE_TREE / "etc/os-release").read_text())
    # libgcc-s1's stanza says `deinstall ok config-files`: removed, only its configuration is left.
    assert [(c["name"], c["version"], c["purl"], c["bom-ref"]) for c in components] == [
        ("bsdutils", "1:2.38.1-5+deb12u3", DEB["bsdutils"], DEB["bsdutils"]),
        ("libc6", "2.36-9+deb12u14", DEB["libc6"], DEB["libc6"]),
        ("tzdata", "2025b-0+deb12u2", DEB["tzdata"], DEB["tzdata"])]
    assert components[1]["description"] == "GNU C Library: Shared libraries"


def test_dpkg_status_continuation_lines_stay_with_their_field():
    stanzas = sbom.parse_dpkg_status("Package: a\nDescription: one\n two\n .\n three\n\n\nPackage: b\n")
    assert stanzas == [{"Package": "a", "Description": "one\ntwo\n.\nthree"}, {"Package": "b"}]


def test_sbom_command_lists_the_image_venv_and_its_debian_packages(cli, checkout):
    images = FakeImages({f"backend-flask:{TAG}"})
    result = cli(["sbom", "backend-flask", "--image-tag", TAG], root=checkout, environ={}, subprocess_run=images)
    path = sbom.path_for(checkout, "backend-flask", TAG)
    assert (result.code, result.stdout, result.stderr) == (0, f"{path}\n", "")
    document = json.loads(path.read_text())
    sbom.validate(document)
    # Exactly the image's distributions: nothing of the Python that ran cyclonedx-py leaks in.
    assert purls(document) == {**DEB, **PYPI}
    assert document["metadata"]["component"] == {
        "type": "container", "bom-ref": f"backend-flask:{TAG}", "name": "backend-flask", "version": TAG,
        "properties": [{"name": "cruddur:image:id", "value": images.image_id}]}
    root, *graph = document["dependencies"]
    assert root == {"ref": f"backend-flask:{TAG}", "dependsOn": [*DEB.values(), "Flask==3.1.3"]}
    assert {"ref": "Flask==3.1.3", "dependsOn": ["MarkupSafe==3.0.4", "itsdangerous==2.2.0"]} in graph
    assert {tool["name"] for tool in document["metadata"]["tools"]["components"]} >= {"cyclonedx-py",
                                                                                      "cruddur_ops.sbom"}
    assert images.containers == set(), "the container made for copying must be removed"
    assert not any(call[0] in ("run", "start", "exec") for call in images.calls), "the image is never run"


def test_an_image_without_a_venv_has_only_its_debian_packages(cli, checkout):
    images = FakeImages({f"backend-flask:{TAG}"}, env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/bin",))
    result = cli(["sbom", "backend-flask", "--image-tag", TAG], root=checkout, environ={}, subprocess_run=images)
    assert result.code == 0, result.stderr
    assert purls(json.loads(sbom.path_for(checkout, "backend-flask", TAG).read_text())) == DEB


def test_sbom_of_an_image_not_built_says_build_first(cli, checkout):
    result = cli(["sbom", "backend-flask", "--image-tag", TAG], root=checkout, environ={},
                 subprocess_run=FakeImages(set()))
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (f"error: no local image backend-flask:{TAG}; build it first: "
                             "python -m cruddur_ops build backend-flask\n")


def test_a_lockfile_without_the_pinned_npm_tool_says_how_to_install_it(cli, checkout):
    shutil.copytree(FIXTURES / "audit" / "npm-minimist", checkout / "frontend-react-js")
    result = cli(["sbom", "frontend-react-js", "--image-tag", TAG], root=checkout, environ={},
                 subprocess_run=FakeImages({f"frontend-react-js:{TAG}"}, env=("PATH=/usr/bin:/bin",)))
    assert (result.code, result.stderr) == (1, "error: frontend-react-js/node_modules/.bin/cyclonedx-npm is missing; "
                                               "install the web app's pinned tools first: make frontend-setup\n")


def test_the_npm_graph_is_merged_under_the_image_and_validates():
    npm = json.loads((FIXTURES / "sbom" / "npm-minimist.cdx.json").read_text())  # real cyclonedx-npm output
    debian = {"components": sbom.debian_components((IMAGE_TREE / "var/lib/dpkg/status").read_text(), "")}
    image = {"type": "container", "bom-ref": "web:1", "name": "web", "version": "1"}
    document = sbom.merge(image, [debian, npm], "2026-12-01T12:00:00Z")
    sbom.validate(document)
    assert purls(document)["minimist"] == "pkg:npm/minimist@1.2.5"
    assert purls(document)["cruddur-audit-sample"] == "pkg:npm/cruddur-audit-sample@1.0.0"
    assert document["dependencies"][0]["dependsOn"][-1] == "cruddur-audit-sample@1.0.0"
    assert {"ref": "cruddur-audit-sample@1.0.0", "dependsOn": ["cruddur-audit-sample@1.0.0|minimist@1.2.5"]} \
        in document["dependencies"]
    assert purls(document)["libc6"] == "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64"  # no os-release


def test_merge_refuses_two_components_with_one_ref():
    part = {"components": [{"type": "library", "bom-ref": "x", "name": "x"}]}
    with pytest.raises(OpsError, match="two components are both called 'x'"):
        sbom.merge({"type": "container", "bom-ref": "i", "name": "i"}, [part, part], "2026-12-01T12:00:00Z")


def test_validation_refuses_what_the_schema_does_not_accept():
    document = sbom.merge({"type": "container", "bom-ref": "i", "name": "i"},
                          [{"components": [{"type": "debian-package", "bom-ref": "x", "name": "x"}]}],
                          "2026-12-01T12:00:00Z")
    with pytest.raises(OpsError, match=r"^the SBOM is not valid CycloneDX 1.6: 'debian-package' is not one of"):
        sbom.validate(document)


def test_ensure_reuses_the_sbom_of_the_same_image_and_rewrites_it_for_a_rebuilt_tag(checkout):
    service = config.load(checkout, {}).service("backend-flask")
    images = FakeImages({f"backend-flask:{TAG}"})
    path = sbom.ensure(context(checkout, images), service, TAG)
    assert path == sbom.path_for(checkout, "backend-flask", TAG)
    made = [call for call in images.calls if call[0] == "create"]
    assert sbom.ensure(context(checkout, images), service, TAG) == path
    assert [call for call in images.calls if call[0] == "create"] == made, "an SBOM of this image exists"
    rebuilt = FakeImages({f"backend-flask:{TAG}"}, image_id="sha256:" + "cd" * 32)
    sbom.ensure(context(checkout, rebuilt), service, TAG)
    assert sbom.image_id_of(json.loads(path.read_text())) == rebuilt.image_id
