"""`make dev`: all of Cruddur on this machine, with no AWS account and no Docker.

PostgreSQL (a cluster kept in .state/postgres, or CONNECTION_URL), the AWS emulator provisioned with the
Cognito pool, the demo users and the messages table, the API with auto-reload, the web app's dev server.
Ctrl-C (SIGINT), SIGTERM, or closing the terminal (SIGHUP) stops everything this run started, in reverse order.

Each start keeps its logs in .state/logs/<start>/ (`latest` points at the newest; the newest KEEP_STARTS stay):
dev.log (everything make dev printed, tracebacks included), api.log, web.log, aws-local.log, and postgres.log
(a link to the cluster's own server.log). When a piece does not come up, the last line printed names it, says
why, and shows the end of its log.

The emulator keeps its state in memory only, so every run provisions it anew and links the seeded users
to the subs their new Cognito users got; the database keeps its data from run to run.
Ports come from BACKEND_PORT, FRONTEND_PORT, AWS_LOCAL_PORT and DB_PORT (4567, 3000, 5005, 5432).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend-flask"))

from cruddur.admin import cli, db  # noqa: E402
from devstack import cognito, envfiles  # noqa: E402
from devstack.moto import MotoServer  # noqa: E402
from devstack.postgres import Cluster  # noqa: E402

BACKEND_DIR = ROOT / "backend-flask"
FRONTEND_DIR = ROOT / "frontend-react-js"
DATABASE = "cruddur"
READY_LINE = "Cruddur is running"
STARTUP_TIMEOUT = 90.0
KEEP_STARTS = 10
LOG_TAIL_LINES = 15
# The servers run in sessions of their own, out of the terminal's reach: these reach only us, and we stop them.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived: stop everything and leave."""


class StartupFailed(Exception):
    """A part of the stack did not come up; the message says which and where its log is."""


def start_logs(logs_root: Path, now: datetime, keep: int = KEEP_STARTS) -> Path:
    """This start's own log folder, logs_root/<UTC time>/, with logs_root/latest pointing at it.

    The folders of older starts stay, so a failed start can still be read after the next one; only the
    newest `keep` are kept, so they never fill the disk."""
    logs_root.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder, n = logs_root / stamp, 1
    while folder.exists():
        n += 1
        folder = logs_root / f"{stamp}-{n}"
    folder.mkdir()
    starts = sorted((p for p in logs_root.iterdir() if p.is_dir() and not p.is_symlink()),
                    key=lambda p: (p.name.split("-")[0], int(p.name.split("-")[1]) if "-" in p.name else 1))
    for old in starts[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    latest = logs_root / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(folder.name)
    return folder


def log_tail(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError as err:
        return f"    (cannot read {log}: {err.strerror})"
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(f"    {line}" for line in kept) if kept else "    (the log is empty)"


def reason(err: BaseException) -> str:
    if isinstance(err, StartupFailed):
        return str(err)
    if isinstance(err, subprocess.CalledProcessError):
        detail = (err.stderr.decode(errors="replace") if isinstance(err.stderr, bytes) else err.stderr or "").strip()
        command = " ".join(map(str, err.cmd))[:120]
        return f"`{command}` exited with code {err.returncode}" + (f": {detail[-500:]}" if detail else "")
    return f"{type(err).__name__}: {err}"


@contextmanager
def piece(name: str, log: Path | None, out: TextIO, process: subprocess.Popen | None = None) -> Iterator[None]:
    """Any failure inside names the piece, says why (exit code included) and shows the end of its log.

    The traceback of an unexpected error goes to `out` (the start's dev.log) for the bug report."""
    try:
        yield
    except Interrupted:
        raise
    except Exception as err:
        if not isinstance(err, (StartupFailed, subprocess.CalledProcessError)):
            traceback.print_exc(file=out)
        why = reason(err)
        message = why if why.startswith(name) else f"{name} failed: {why}"
        if process is not None and process.poll() is not None:
            message += f" (exit code {process.returncode})"
        if log is not None:
            message += f"\n  {name}'s log, {log}, ends:\n{log_tail(log)}"
        raise StartupFailed(message) from err


class Tee:
    """What make dev prints, on the terminal and in the start's dev.log."""

    def __init__(self, terminal: TextIO, log: Path):
        self.terminal = terminal
        self.file = open(log, "a", encoding="utf-8")  # noqa: SIM115 (closed by close(), at the end of run)
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self.terminal.write(text)
            self.file.write(text)
        return len(text)

    def flush(self) -> None:
        self.terminal.flush()
        self.file.flush()

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class Options:
    backend_port: int
    frontend_port: int
    aws_port: int
    postgres_port: int
    connection_url: str
    bind_host: str
    target: str
    state_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str], state_dir: Path = ROOT / ".state") -> Options:
        gitpod = bool(env.get("GITPOD_WORKSPACE_URL"))
        return cls(
            backend_port=int(env.get("BACKEND_PORT") or envfiles.DEFAULT_PORTS["backend"]),
            frontend_port=int(env.get("FRONTEND_PORT") or envfiles.DEFAULT_PORTS["frontend"]),
            aws_port=int(env.get("AWS_LOCAL_PORT") or envfiles.DEFAULT_PORTS["aws"]),
            postgres_port=int(env.get("DB_PORT") or 5432),
            connection_url=env.get("CONNECTION_URL", ""),
            # Gitpod's port forwarding reaches servers on every interface; elsewhere stay on loopback.
            bind_host="0.0.0.0" if gitpod else "127.0.0.1",
            target="gitpod" if gitpod else "local",
            state_dir=state_dir,
        )

    @property
    def ports(self) -> dict[str, int]:
        return {"backend": self.backend_port, "frontend": self.frontend_port, "aws": self.aws_port}


class Stack:
    """What this run started, each with the function that stops it; stopped newest first."""

    def __init__(self, out: TextIO, terminal: TextIO | None = None):
        self.out = out
        self.terminal = terminal or out
        self._stops: list[tuple[str, Callable[[], None]]] = []
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def started(self, name: str, stop: Callable[[], None]) -> None:
        self._stops.append((name, stop))

    def spawn(self, name: str, argv: list[str], cwd: Path, env: Mapping[str, str], log: Path) -> subprocess.Popen:
        """A child in its own session, so one signal to its group also reaches its reloader's children.

        Its output goes to the terminal (the API's request log and Vite's messages are what a developer
        watches) and to `log`, which outlives the run."""
        proc = subprocess.Popen(argv, cwd=cwd, env=dict(env), start_new_session=True, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        logfile = open(log, "ab")  # noqa: SIM115 (closed once the copier has read the child's last line)
        copier = threading.Thread(target=self._copy, args=(proc.stdout, logfile), daemon=True)
        copier.start()
        self.processes[name] = proc
        self.logs[name] = log

        def stop() -> None:
            stop_group(proc)
            copier.join(timeout=5)

        self.started(name, stop)
        return proc

    def _copy(self, stream: BinaryIO, logfile: BinaryIO) -> None:
        with stream, logfile:
            for line in iter(stream.readline, b""):
                logfile.write(line)
                logfile.flush()
                self.terminal.write(line.decode(errors="replace"))

    def exited(self) -> str | None:
        """The name of a child that has stopped on its own, if any."""
        return next((name for name, proc in self.processes.items() if proc.poll() is not None), None)

    def stop_all(self) -> None:
        while self._stops:
            name, stop = self._stops.pop()
            try:
                stop()
                self.out.write(f"stopped {name}\n")
            except Exception as err:  # keep going: the other parts must still be stopped
                self.out.write(f"could not stop {name}: {err}\n")


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def stop_group(proc: subprocess.Popen, grace: float = 10.0, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """SIGTERM to the whole group (a reloader and the server it runs), SIGKILL to whatever outlives `grace`.

    Returns only once no process of the group is left, so the ports are free and nothing lingers.
    """
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, signum)
        except ProcessLookupError:
            break
        if group_gone(proc, grace, clock, sleep):
            break
    proc.wait()


def group_gone(proc: subprocess.Popen, within: float, clock: Callable[[], float],
               sleep: Callable[[float], None]) -> bool:
    deadline = clock() + within
    while True:
        proc.poll()  # reaps the leader, which is our child
        if not group_members(proc.pid):
            return True
        if clock() >= deadline:
            return False
        sleep(0.05)


def wait_for_http(url: str, what: str, timeout: float = STARTUP_TIMEOUT, alive: Callable[[], bool] = lambda: True,
                  clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
    deadline = clock() + timeout
    last = "no answer"
    while clock() < deadline:
        if not alive():
            raise StartupFailed(f"{what} exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code}: {err.read()[:300].decode(errors='replace')}"
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
        sleep(0.2)
    raise StartupFailed(f"{what} was not ready at {url} after {timeout:.0f}s ({last})")


def hold_checkout(state_dir: Path) -> TextIO:
    """One stack per checkout: a second `make dev` here would restart the first one's database under it.

    The lock lasts while the returned file stays open; no child inherits it, and the kernel drops it when
    this process dies, even by SIGKILL, so a killed run never blocks the next one.
    """
    lock = open(state_dir / "dev.lock", "w")  # noqa: SIM115 (the open file is the lock: the caller holds it)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StartupFailed("another make dev is already running in this checkout") from None
    return lock


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def postgres_log(opts: Options) -> Path:
    return opts.state_dir / "postgres" / "server.log"


def start_database(opts: Options, stack: Stack, out: TextIO) -> str:
    """The database URL, after starting our own cluster unless CONNECTION_URL names one."""
    if opts.connection_url:
        out.write("database: using CONNECTION_URL\n")
        return opts.connection_url
    cluster = Cluster.create(opts.state_dir / "postgres", port=opts.postgres_port)
    if cluster.is_running():
        # Left behind by a run that was killed outright; it is ours, so restart it cleanly.
        cluster.stop()
    try:
        cluster.start()
    except subprocess.CalledProcessError as err:
        raise StartupFailed(f"PostgreSQL did not start on port {opts.postgres_port} "
                            f"(set DB_PORT if the port is taken)") from err
    stack.started("PostgreSQL", cluster.stop)
    return cluster.url(DATABASE)


def prepare_database(url: str, out: TextIO) -> None:
    """Create, migrate, and seed an empty database; a database that has users keeps its data."""
    target = db.Target(url, production=False)
    db.create(target, out)
    db.schema_load(target, out)
    if db.is_empty(target):
        db.seed(target, out)


def check_ports_free(opts: Options) -> None:
    """Fail early and by name; the emulator's port above all, since MotoServer only waits for the port to
    answer and would otherwise provision whatever already listens there."""
    for port, variable in ((opts.aws_port, "AWS_LOCAL_PORT"), (opts.backend_port, "BACKEND_PORT"),
                           (opts.frontend_port, "FRONTEND_PORT")):
        if port_taken(port):
            raise StartupFailed(f"port {port} is taken (another make dev or docker compose?); "
                                f"stop that, or set {variable} to a free port")


def start_aws(opts: Options, stack: Stack, logs: Path) -> MotoServer:
    try:
        server = MotoServer.start(port=opts.aws_port, log=logs / "aws-local.log")
    except TimeoutError as err:
        raise StartupFailed(f"the AWS emulator did not listen on {opts.aws_port} "
                            f"(set AWS_LOCAL_PORT if the port is taken)") from err
    stack.started("the AWS emulator", server.stop)
    return server


def load_aws_data(env: Mapping[str, str], out: TextIO) -> None:
    """Link the seeded users to their new Cognito subs, load the messages table with its conversation, and
    make the avatar buckets.

    The backend's own chores (bin/db/update-cognito-user-ids, bin/ddb/schema-load, bin/ddb/seed,
    bin/s3/create-buckets), run in this process with the API's environment, so they act exactly where the
    API will look.
    """
    for argv in (["db", "update-cognito-user-ids"], ["ddb", "schema-load"], ["ddb", "seed"], ["s3", "create-buckets"]):
        if cli.main(argv, env=env, out=out, err=out) != 0:
            raise StartupFailed(f"bin/{'/'.join(argv)} failed against the emulator (its words are just above)")


def backend_command(opts: Options) -> list[str]:
    # Flask's reloader restarts the API on every saved file; its debugger stays off (it runs code for anyone).
    return [sys.executable, "-m", "flask", "--app", "app", "run", "--reload", "--no-debugger",
            "--host", opts.bind_host, "--port", str(opts.backend_port)]


def frontend_command(opts: Options) -> list[str]:
    vite = FRONTEND_DIR / "node_modules" / ".bin" / "vite"
    if not vite.exists():
        raise StartupFailed(f"{vite.relative_to(ROOT)} is missing: start the stack with `make dev`, which installs it")
    return [str(vite), "--host", opts.bind_host,
            "--port", str(opts.frontend_port), "--strictPort"]


def banner(opts: Options, site: Mapping[str, str], database_url: str, logs: Path) -> str:
    demo = ", ".join(user.email for user in cognito.DEMO_USERS)
    return (f"\n{READY_LINE}\n"
            f"  web app        {site['frontend_url']}\n"
            f"  API            {site['backend_url']}/api/health-check\n"
            f"  AWS emulator   {site['cognito_endpoint']}\n"
            f"  database       {db.redacted(database_url)}\n"
            f"  logs           {logs}\n"
            f"Sign in as any of {demo} with the password {cognito.DEMO_PASSWORD}\n"
            f"Ctrl-C stops everything. The data stays in {opts.state_dir.name}/ (make dev-reset forgets it).\n")


def run(opts: Options, env: MutableMapping[str, str], out: TextIO = sys.stdout,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    """`env` is this process's environment: the chores run in-process read it as the API will."""
    opts.state_dir.mkdir(parents=True, exist_ok=True)
    logs = start_logs(opts.state_dir / "logs", now())
    if not opts.connection_url:
        (logs / "postgres.log").symlink_to(postgres_log(opts))
    terminal, out = out, Tee(out, logs / "dev.log")
    stack = Stack(out, terminal)
    try:
        lock = hold_checkout(opts.state_dir)  # noqa: F841 (held until run returns)
        # Checked first: a missing install should fail before anything has started.
        frontend_argv = frontend_command(opts)
        check_ports_free(opts)
        with piece("PostgreSQL", None if opts.connection_url else logs / "postgres.log", out):
            database_url = start_database(opts, stack, out)
        with piece("the database (create, migrate, seed)", None, out):
            prepare_database(database_url, out)
        region = env.get("AWS_DEFAULT_REGION") or envfiles.DEFAULT_REGION
        with piece("the AWS emulator", logs / "aws-local.log", out):
            server = start_aws(opts, stack, logs)
            local = cognito.provision(server.url, region)
        state = {"ports": opts.ports, "connection_url": database_url, "region": region,
                 "user_pool_id": local.user_pool_id, "user_pool_client_id": local.client_id}
        (opts.state_dir / "dev.json").write_text(json.dumps(state, indent=2) + "\n")
        site = envfiles.values(opts.target, env, state)
        env.update(envfiles.variables("backend-flask", site))
        with piece("the emulator's data (users linked, messages table, avatar buckets)", logs / "aws-local.log", out):
            load_aws_data(env, out)

        with piece("the API", logs / "api.log", out):
            backend = stack.spawn("the API", backend_command(opts), BACKEND_DIR, {**env, "PYTHONUNBUFFERED": "1"},
                                  logs / "api.log")
        # The dev server answers /config.json from these variables, as the web app's container does.
        with piece("the web app", logs / "web.log", out):
            frontend = stack.spawn("the web app", frontend_argv, FRONTEND_DIR,
                                   {**env, **envfiles.variables("frontend-react-js", site)}, logs / "web.log")
        with piece("the API", logs / "api.log", out, backend):
            wait_for_http(f"http://127.0.0.1:{opts.backend_port}/api/health-check/ready", "the API",
                          alive=lambda: backend.poll() is None)
        with piece("the web app", logs / "web.log", out, frontend):
            wait_for_http(f"http://127.0.0.1:{opts.frontend_port}/config.json", "the web app",
                          alive=lambda: frontend.poll() is None)
        out.write(banner(opts, site, database_url, logs))
        out.flush()
        while (gone := stack.exited()) is None:
            time.sleep(0.5)
        code = stack.processes[gone].returncode
        out.write(f"{gone} stopped on its own (exit code {code}); stopping the rest\n"
                  f"  {gone}'s log, {stack.logs[gone]}, ends:\n{log_tail(stack.logs[gone])}\n")
        return 1
    except Interrupted:
        return 0
    except (StartupFailed, subprocess.CalledProcessError) as failure:
        out.write(f"make dev: {failure}\n  every log of this start: {logs}\n")
        return 1
    finally:
        # Signals during the shutdown would cut it short and leave servers behind.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        stack.stop_all()
        out.flush()
        out.close()


def _interrupt(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def reset(state_dir: Path, out: TextIO = sys.stdout) -> int:
    """Forget the local data; a cluster a killed run left behind is stopped first. Refused while a stack runs."""
    if state_dir.exists():
        try:
            hold_checkout(state_dir).close()
        except StartupFailed:
            out.write("make dev is running in this checkout: stop it (Ctrl-C) before resetting\n")
            return 1
    datadir = state_dir / "postgres"
    if (datadir / "PG_VERSION").exists():
        Cluster(datadir=datadir, port=0).stop()
    shutil.rmtree(state_dir, ignore_errors=True)
    out.write(f"removed {state_dir}; the next make dev starts from the seed\n")
    return 0


def main(argv: list[str] = sys.argv[1:]) -> int:
    if argv == ["reset"]:
        return reset(ROOT / ".state")
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    sys.stdout.reconfigure(line_buffering=True)
    return run(Options.from_env(os.environ), os.environ)


if __name__ == "__main__":
    sys.exit(main())
