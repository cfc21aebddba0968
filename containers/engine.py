"""A Docker engine for the container proof: the one already running, or a dockerd of our own.

Our own daemon keeps everything under the caller's state folder (data, exec root, socket, log), listens on
a private socket so it never collides with another daemon on the machine, and lives for a bounded time
(`timeout` ends it even if the test process dies). It runs without the default docker0 bridge and without
iptables rules: every test container uses the host network or a user-defined network, so the daemon adds
no NAT chains, and the bridges of its networks are removed when it stops.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devstack.process import stop_group

DEFAULT_SOCKET = "/var/run/docker.sock"


class EngineError(RuntimeError):
    pass


def host_links() -> set[str]:
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=False).stdout
    return {line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if ":" in line}


def mounts_under(folder: Path) -> list[str]:
    """Mount points at or below `folder`."""
    with open("/proc/self/mounts") as table:
        points = [line.split()[1] for line in table]
    return [p for p in points if p == str(folder) or p.startswith(f"{folder}/")]


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, *,
               clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
               step: float = 0.1) -> float:
    """Poll `predicate` until it holds; returns the seconds it took. Clock and sleeper are injectable."""
    start = clock()
    while not predicate():
        if clock() - start > timeout:
            raise TimeoutError(f"{what}: not reached after {timeout:.0f}s")
        sleep(step)
    return clock() - start


@dataclass
class Engine:
    host: str
    process: subprocess.Popen | None = None
    log: Path | None = None
    data_root: Path | None = None

    @property
    def env(self) -> dict[str, str]:
        # The legacy builder: Debian's engine has no buildx plugin, and the Dockerfiles need nothing newer.
        return {**os.environ, "DOCKER_HOST": self.host, "DOCKER_BUILDKIT": "0"}

    def docker(self, *args: str, check: bool = True, timeout: float = 600, input: str | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run the docker CLI against this engine. `env` adds variables that `-e NAME` flags pick up, so
        secret values never appear on a command line."""
        r = subprocess.run(["docker", *args], env={**self.env, **(env or {})}, capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise EngineError(f"docker {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
        return r

    def answers(self) -> bool:
        try:
            return self.docker("version", "--format", "{{.Server.Version}}", check=False, timeout=15).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    @classmethod
    def ensure(cls, state_dir: Path, lifetime_s: int = 1800, start_timeout: float = 60) -> Engine:
        """The engine named by DOCKER_HOST or the default socket if it answers; otherwise our own dockerd."""
        for host in filter(None, (os.environ.get("DOCKER_HOST"), f"unix://{DEFAULT_SOCKET}")):
            existing = cls(host=host)
            if existing.answers():
                return existing
        return cls.start(Path(state_dir), lifetime_s, start_timeout)

    @classmethod
    def start(cls, state_dir: Path, lifetime_s: int, start_timeout: float) -> Engine:
        state_dir.mkdir(parents=True, exist_ok=True)
        # The exec root holds the socket and containerd's; unix socket paths must stay short (108 bytes).
        # One per daemon: two engines in one process must never share a socket.
        Path("/run/cruddur-dockerd").mkdir(parents=True, exist_ok=True)
        exec_root = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir="/run/cruddur-dockerd"))
        sock = exec_root / "docker.sock"
        log = state_dir / "dockerd.log"
        cmd = ["timeout", "--kill-after=15", str(lifetime_s), "dockerd",
               "--host", f"unix://{sock}", "--data-root", str(state_dir / "data"),
               "--exec-root", str(exec_root / "exec"), "--pidfile", str(exec_root / "dockerd.pid"),
               "--bridge", "none", "--iptables=false", "--ip-masq=false"]
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        engine = cls(host=f"unix://{sock}", process=proc, log=log, data_root=state_dir / "data")
        try:
            wait_until(lambda: proc.poll() is not None or engine.answers(), start_timeout, "dockerd start")
            if proc.poll() is not None:
                raise EngineError(f"dockerd exited with {proc.returncode}; see {log}")
        except BaseException:
            engine.stop()
            raise
        return engine

    @property
    def owned(self) -> bool:
        return self.process is not None

    def stop(self) -> None:
        """Stop our own daemon (never one we found running) and remove the bridges of its networks, which
        dockerd leaves on the host. Only its own: other daemons on this machine keep theirs."""
        if self.process is None:
            return
        bridges = set()
        if self.process.poll() is None and self.answers():
            ids = self.docker("ps", "-aq", check=False).stdout.split()
            if ids:
                self.docker("rm", "-f", *ids, check=False)
            networks = self.docker("network", "ls", "-q", "--no-trunc", "--filter", "driver=bridge",
                                   check=False).stdout.split()
            bridges = {f"br-{network[:12]}" for network in networks}
        stop_group(self.process, timeout=30)
        for link in sorted(bridges & host_links()):
            subprocess.run(["ip", "link", "delete", link], check=False, capture_output=True)
        exec_root = Path(self.host.removeprefix("unix://")).parent
        # dockerd leaves the host's network namespace bind-mounted in its exec root (exec/netns/default),
        # and its data root bind-mounted on itself if it did not get to shut down cleanly.
        for mount in sorted(mounts_under(exec_root) + mounts_under(self.data_root), reverse=True):
            subprocess.run(["umount", mount], check=False, capture_output=True)
        shutil.rmtree(exec_root, ignore_errors=True)
