"""The Gitpod workspace starts the same stack and publishes every port the browser talks to."""
from pathlib import Path

import yaml

from devstack import envfiles

GITPOD = yaml.safe_load((Path(__file__).resolve().parents[2] / ".gitpod.yml").read_text())


def test_every_port_the_browser_reaches_is_public():
    public = {entry["port"] for entry in GITPOD["ports"] if entry.get("visibility") == "public"}
    assert public == set(envfiles.DEFAULT_PORTS.values())


def test_the_workspace_installs_in_the_prebuild_and_runs_make_dev():
    (task,) = GITPOD["tasks"]
    assert task["init"] == "make setup frontend-setup"
    assert task["command"].split()[-2:] == ["make", "dev"]
