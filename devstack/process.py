import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def stop_group(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a child started with start_new_session=True and everything it started: SIGTERM to its
    process group, SIGKILL if it is still there after `timeout` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class ChildServer:
    """A server this process started on 127.0.0.1 in a session of its own: its port, and its process
    group, which stop() ends."""

    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        stop_group(self.process)


@contextmanager
def scratch_folder(prefix: str, mode: int | None = None) -> Iterator[Path]:
    """A folder of this run's own, removed afterwards. Not under pytest's tmp_path: every pytest session on
    the machine resets that root to 0700, which locks the users some servers run as (postgres, nobody) out
    of anything kept there. `mode` opens the folder itself to them."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if mode is not None:
        folder.chmod(mode)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
