"""The local AWS emulator (moto server) as a child process on 127.0.0.1.

A separate process, reached over HTTP, exactly as production code reaches AWS. It runs moto through
devstack.moto_ext, which adds the Cognito operation the web app's token refresh needs.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from devstack.net import free_port, wait_for_port

REPO_ROOT = Path(__file__).resolve().parents[1]

# Credentials the emulator accepts; real AWS would refuse them.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class MotoServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, port: int | None = None, log: Path | None = None) -> "MotoServer":
        port = port or free_port()
        out = open(log, "ab") if log else subprocess.DEVNULL
        env = {**os.environ, **FAKE_CREDENTIALS}
        env.pop("AWS_ENDPOINT_URL", None)
        # the child imports devstack.moto_ext whatever directory the caller runs from
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack.moto_ext", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
        try:
            wait_for_port(port, timeout=30)
        except TimeoutError:
            proc.kill()
            raise
        return cls(port=port, process=proc)

    def reset(self) -> None:
        """Forget every resource (moto's own reset API)."""
        import requests

        requests.post(f"{self.url}/moto-api/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
