"""A local image registry (Debian's `docker-registry`, the CNCF distribution server) on 127.0.0.1.

The push proof sends images here through the project's own push doors with ECR_REGISTRY pointing at it,
and the ops tests keep release artifacts here to prove the non-ECR path: the emulator's ECR has no registry
protocol. Docker trusts plain HTTP on 127.0.0.0/8 without configuration.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import requests

from devstack.net import free_port, wait_for_port
from devstack.process import ChildServer


class LocalRegistry(ChildServer):
    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @classmethod
    def start(cls, folder: Path) -> LocalRegistry:
        port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "config.yml"
        # JSON is YAML: the registry reads this as its configuration file.
        config.write_text(json.dumps({
            "version": 0.1,
            "log": {"level": "warn"},
            "storage": {"filesystem": {"rootdirectory": str(folder / "data")}, "delete": {"enabled": True}},
            "http": {"addr": f"127.0.0.1:{port}"},
        }))
        with open(folder / "registry.log", "ab") as log:
            proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        registry = cls(port=port, process=proc)
        try:
            wait_for_port(port, timeout=30)
        except TimeoutError:
            registry.stop()
            raise
        return registry

    def tags(self, repository: str) -> list[str]:
        r = requests.get(f"http://{self.address}/v2/{repository}/tags/list", timeout=10)
        if r.status_code == 404:  # the repository was never pushed to
            return []
        r.raise_for_status()
        return r.json().get("tags") or []

    def manifest_digest(self, repository: str, tag: str) -> str:
        r = requests.head(f"http://{self.address}/v2/{repository}/manifests/{tag}", timeout=10, headers={
            "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
        r.raise_for_status()
        return r.headers["Docker-Content-Digest"]
