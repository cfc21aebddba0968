"""A PostgreSQL cluster from the local binaries, owned by the caller.

initdb and postgres refuse to run as root, so as root they run as the `postgres` user (runuser).
The cluster is always UTF8: in SQL_ASCII psycopg 3 hands back bytes for text.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devstack.net import free_port
from devstack.process import scratch_folder

SEARCH_PATHS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_bin(name: str) -> str:
    for folder in SEARCH_PATHS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"PostgreSQL binary {name!r} not found (install postgresql-15)")
    return found


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Cluster:
    datadir: Path
    port: int
    user: str = "postgres"

    @classmethod
    def create(cls, datadir: Path, port: int | None = None) -> Cluster:
        """Initialise a cluster in `datadir` unless one is already there (data is kept)."""
        datadir = Path(datadir)
        datadir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            for p in (datadir, *datadir.parents):
                if p == Path("/"):
                    break
                if p == datadir:
                    os.chown(p, pw.pw_uid, pw.pw_gid)
                else:
                    # the postgres user must be able to walk down to its data directory
                    os.chmod(p, os.stat(p).st_mode | 0o011)
        if not (datadir / "PG_VERSION").exists():
            subprocess.run(
                _as_owner([pg_bin("initdb"), "-E", "UTF8", "--locale=C", "-A", "trust", "-U", "postgres",
                           "-D", str(datadir)]),
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        return cls(datadir=datadir, port=port or free_port())

    @property
    def socket_dir(self) -> Path:
        return self.datadir

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        opts = f"-p {self.port} -h 127.0.0.1 -k {self.socket_dir} -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_owner([pg_bin("pg_ctl"), "-D", str(self.datadir), "-o", opts, "-l",
                       str(self.datadir / "server.log"), "-w", "-t", "30", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_owner([pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "-t", "30", "stop"]),
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def is_running(self) -> bool:
        r = subprocess.run(_as_owner([pg_bin("pg_ctl"), "-D", str(self.datadir), "status"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0

    def create_database(self, name: str) -> str:
        subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self.url(name)


@contextmanager
def throwaway(prefix: str = "cruddur-pg-", stop_mode: str = "fast") -> Iterator[Cluster]:
    """A started cluster in a scratch folder of its own (devstack.process.scratch_folder says why not
    pytest's tmp_path), stopped and removed afterwards."""
    with scratch_folder(prefix) as folder:
        cluster = Cluster.create(folder / "pg")
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop(mode=stop_mode)
