"""The local AWS emulator (moto server) as a child process on 127.0.0.1.

A separate process, reached over HTTP, exactly as production code reaches AWS. It runs moto through
devstack.moto_ext, which adds the Cognito operation the web app's token refresh needs.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from devstack.net import free_port, wait_for_port
from devstack.process import ChildServer

REPO_ROOT = Path(__file__).resolve().parents[1]

# Credentials the emulator accepts; real AWS would refuse them.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class MotoServer(ChildServer):
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, port: int | None = None, log: Path | None = None,
              startup_timeout: float = 30.0) -> MotoServer:
        port = port or free_port()
        env = {**os.environ, **FAKE_CREDENTIALS}
        env.pop("AWS_ENDPOINT_URL", None)
        # the child imports devstack.moto_ext whatever directory the caller runs from
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        with open(log, "ab") if log else open(os.devnull, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "devstack.moto_ext", "-H", "127.0.0.1", "-p", str(port)],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        server = cls(port=port, process=proc)
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                where = f"; its output is in {log}" if log else "; pass log= to keep its output"
                raise RuntimeError(f"the AWS emulator exited with code {proc.returncode} before listening "
                                   f"on port {port}{where}")
            try:
                wait_for_port(port, timeout=0.2)
                return server
            except TimeoutError:
                if time.monotonic() > deadline:
                    server.stop()
                    raise TimeoutError(f"the AWS emulator did not listen on port {port} "
                                       f"within {startup_timeout:.0f}s") from None

    def reset(self) -> None:
        """Forget every resource (moto's own reset API)."""
        import requests

        requests.post(f"{self.url}/moto-api/reset", timeout=10).raise_for_status()

    def publish_scan(self, repository: str, digest: str, status: str = "COMPLETE", findings: dict | None = None,
                     in_progress_seconds: float = 0, description: str | None = None) -> None:
        """Publish the ECR scan of `digest` (see devstack.moto_ext): `findings` in ECR's imageScanFindings shape."""
        import requests

        body = {"repositoryName": repository, "imageDigest": digest, "status": status,
                "imageScanFindings": findings or {}, "inProgressSeconds": in_progress_seconds}
        if description:
            body["description"] = description
        requests.post(f"{self.url}/moto-api/cruddur/ecr/scan-results", json=body, timeout=10).raise_for_status()

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock for published scans forward (tests with an injected clock)."""
        import requests

        requests.post(f"{self.url}/moto-api/cruddur/clock", json={"advanceSeconds": seconds},
                      timeout=10).raise_for_status()

