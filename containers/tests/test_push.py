"""Both production images reach a registry through the project's own push doors (bin/<area>/push).

ECR_REGISTRY points the doors at a local registry (Debian's docker-registry); the emulator's ECR has no
registry protocol. The registry must then hold exactly the commit tag, with the digest Docker pushed.
"""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from containers.images import ROOT
from devstack.registry import LocalRegistry

DOORS = {"backend-flask": ROOT / "bin" / "backend" / "push", "frontend-react-js": ROOT / "bin" / "frontend" / "push"}


@pytest.fixture(scope="module")
def registry(scratch):
    server = LocalRegistry.start(scratch / "registry")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("service, image_fixture", [("backend-flask", "backend_image"),
                                                    ("frontend-react-js", "frontend_image")])
def test_push_door_sends_the_commit_tagged_image(request, engine, registry, image_tag, service, image_fixture):
    door = DOORS[service]
    if not door.exists():
        pytest.skip(f"{door.relative_to(ROOT)} is not in this tree yet (deploy tooling)")
    request.getfixturevalue(image_fixture)
    remote = f"{registry.address}/{service}:{image_tag}"
    # The doors run the deploy tooling with the project's Python; --allow-dirty only matters outside CI.
    env = {**engine.env, "ECR_REGISTRY": registry.address,
           "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    try:
        r = subprocess.run([str(door), "--allow-dirty"], env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        assert remote in r.stdout.splitlines()
        assert registry.tags(service) == [image_tag]
        digests = json.loads(engine.docker("image", "inspect", "--format", "{{json .RepoDigests}}", remote).stdout)
        assert f"{registry.address}/{service}@{registry.manifest_digest(service, image_tag)}" in digests
    finally:
        engine.docker("rmi", remote, check=False)
