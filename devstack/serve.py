"""A WSGI app served the way the API's container serves it: backend-flask/bin/serve, nginx in front of
gunicorn with the production config file (backend-flask/gunicorn.conf.py).

The benchmarks, the resilience drills and the serving tests all start the API the way its container
does, each on a free port, and stop it whatever happens.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from devstack.net import free_port, wait_for_port
from devstack.process import stop_group

BACKEND = Path(__file__).resolve().parent.parent / "backend-flask"


class Served:
    """`front=False` runs gunicorn alone on the port, as the API was served before nginx stood in front of it:
    the benchmark's reference for what the serving design costs."""

    def __init__(self, env: dict, log: Path, chdir: Path = BACKEND, app: str = "app:app", front: bool = True):
        self.port = free_port()
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 (the server's log for its lifetime; closed in stop())
        if front:  # bin/serve puts backend-flask/ on gunicorn's path: its config imports the API's log format
            argv, env = [sys.executable, str(BACKEND / "bin" / "serve"), app], {**env, "PORT": str(self.port)}
        else:
            argv = [sys.executable, "-m", "gunicorn", "-c", str(BACKEND / "gunicorn.conf.py"), app]
            env = {**env, "PORT": str(self.port),
                   "PYTHONPATH": os.pathsep.join(filter(None, (str(BACKEND), env.get("PYTHONPATH"))))}
        self._front = front
        self.proc = subprocess.Popen(argv, env=env, cwd=chdir, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_for_port(self.port, timeout=60)
            self._wait_for_workers(int(env.get("GUNICORN_WORKERS", "2")), timeout=60)
        except TimeoutError as err:
            self.stop()
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise TimeoutError(f"{err}; the server's log ends:\n{tail}") from None

    def _wait_for_workers(self, count: int, timeout: float) -> None:
        # the master listens before its workers have booted; measurements want them all up
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn did not boot {count} workers")
            time.sleep(0.05)

    def _children(self, pid: int) -> list[int]:
        try:
            return sorted(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        except FileNotFoundError:
            return []

    def _masters(self, name: str) -> list[int]:
        """bin/serve's children whose command line names `name` (gunicorn or nginx)."""
        if not self._front:
            return [self.proc.pid] if name == "gunicorn" else []
        found = []
        for pid in self._children(self.proc.pid):
            try:
                if name.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
            except FileNotFoundError:
                continue
        return found

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """gunicorn's workers, where the app runs."""
        return [pid for master in self._masters("gunicorn") for pid in self._children(master)]

    def serving_pids(self) -> list[int]:
        """Every process that works on a request: gunicorn's workers and nginx's."""
        return self.worker_pids() + [pid for master in self._masters("nginx") for pid in self._children(master)]

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return sizes

    def terminate(self) -> None:
        """SIGTERM to bin/serve, as ECS sends when it stops a task."""
        self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        stop_group(self.proc, timeout=30)
        self._log.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
