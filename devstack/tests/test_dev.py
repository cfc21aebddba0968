"""`make dev` from a fresh copy of the repository: it serves, a demo user signs in through the local Cognito
and posts a crud, Ctrl-C leaves no process behind, and a second run keeps the data.

The copy holds exactly the files git would check out (tracked and new, nothing ignored: no .state, no
.venv, no node_modules). `make dev` installs node_modules there itself (npm ci). Installing the Python
packages from scratch takes minutes on CI's machine, so the copy's `make dev` reuses the virtualenv this
test runs in (make's VENV variable); DEV_TEST_FRESH_INSTALL=1 makes it build its own.
"""
from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from devstack import cognito, dev
from devstack.dev import (
    READY_LINE,
    STOP_SIGNALS,
    Options,
    Stack,
    StartupFailed,
    check_ports_free,
    hold_checkout,
    log_tail,
    reset,
    start_logs,
    stop_group,
    wait_for_http,
)
from devstack.net import free_port
from devstack.process import scratch_folder

REPO = Path(__file__).resolve().parents[2]
FIRST_START_TIMEOUT = 420  # includes npm ci (and pip, with DEV_TEST_FRESH_INSTALL=1)
SECOND_START_LIMIT = 15  # the promise for a run that has everything installed and its data kept
MARKER = "CRUDDUR_DEV_TEST_RUN"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_options_default_to_the_contract_ports_on_loopback(tmp_path):
    opts = Options.from_env({}, state_dir=tmp_path)
    assert (opts.backend_port, opts.frontend_port, opts.aws_port, opts.postgres_port) == (4567, 3000, 5005, 5432)
    assert (opts.bind_host, opts.target, opts.connection_url) == ("127.0.0.1", "local", "")


def test_options_in_gitpod_listen_on_every_interface_and_take_ports_from_env(tmp_path):
    opts = Options.from_env({"GITPOD_WORKSPACE_URL": "https://w.gitpod.io", "BACKEND_PORT": "8000",
                             "DB_PORT": "5433", "CONNECTION_URL": "postgresql://me@db/cruddur"}, state_dir=tmp_path)
    assert (opts.bind_host, opts.target, opts.backend_port, opts.postgres_port) == ("0.0.0.0", "gitpod", 8000, 5433)
    assert opts.connection_url == "postgresql://me@db/cruddur"


def test_a_taken_port_is_refused_before_anything_starts_naming_its_variable(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        opts = Options.from_env({"BACKEND_PORT": str(taken), "AWS_LOCAL_PORT": str(free_port()),
                                 "FRONTEND_PORT": str(free_port())}, state_dir=tmp_path)
        with pytest.raises(StartupFailed, match=f"port {taken} is taken .* set BACKEND_PORT to a free port"):
            check_ports_free(opts)


def test_wait_for_http_gives_up_at_the_deadline_saying_what_it_last_saw():
    clock = FakeClock()
    url = f"http://127.0.0.1:{free_port()}/api/health-check/ready"
    with pytest.raises(StartupFailed, match=r"the API was not ready at .* after 5s \(.*refused"):
        wait_for_http(url, "the API", timeout=5, clock=clock, sleep=clock.sleep)
    assert 5 <= clock.now < 5.5


def test_wait_for_http_stops_waiting_when_the_server_process_died():
    clock = FakeClock()
    with pytest.raises(StartupFailed, match="the web app exited while starting"):
        wait_for_http("http://127.0.0.1:1/", "the web app", alive=lambda: False, clock=clock, sleep=clock.sleep)
    assert clock.now == 0


def test_stack_stops_newest_first_and_keeps_going_past_a_failure(capsys):
    stopped = []
    stack = Stack(sys.stdout)
    stack.started("database", lambda: stopped.append("database"))
    stack.started("emulator", lambda: (_ for _ in ()).throw(RuntimeError("already gone")))
    stack.started("api", lambda: stopped.append("api"))
    stack.stop_all()
    assert stopped == ["api", "database"]
    assert capsys.readouterr().out == ("stopped api\ncould not stop emulator: already gone\nstopped database\n")


def test_stop_group_also_ends_the_children_a_server_spawned():
    # A reloader (Flask's, Vite's) runs the real server as its child: stopping the parent alone leaks it.
    parent = subprocess.Popen(["bash", "-c", "sleep 300 & echo $!; wait"], start_new_session=True,
                              stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    stop_group(parent)
    parent.stdout.close()
    assert parent.poll() is not None
    assert not alive(child)


def test_a_second_stack_in_the_same_checkout_is_refused_until_the_first_lets_go(tmp_path):
    first = hold_checkout(tmp_path)
    with pytest.raises(StartupFailed, match="another make dev is already running in this checkout"):
        hold_checkout(tmp_path)
    first.close()
    hold_checkout(tmp_path).close()


def test_reset_forgets_the_state_folder(tmp_path):
    state = tmp_path / ".state"
    (state / "logs").mkdir(parents=True)
    (state / "dev.json").write_text("{}")
    out = io.StringIO()
    assert reset(state, out) == 0
    assert not state.exists()
    assert out.getvalue() == f"removed {state}; the next make dev starts from the seed\n"


def test_reset_refuses_while_a_stack_runs_in_the_checkout(tmp_path):
    state = tmp_path / ".state"
    state.mkdir()
    running = hold_checkout(state)
    out = io.StringIO()
    try:
        assert reset(state, out) == 1
    finally:
        running.close()
    assert state.exists()
    assert out.getvalue() == "make dev is running in this checkout: stop it (Ctrl-C) before resetting\n"


def test_each_start_gets_its_own_log_folder_and_only_the_newest_are_kept(tmp_path):
    logs = tmp_path / "logs"
    first = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
    made = [start_logs(logs, first + timedelta(minutes=n), keep=3) for n in range(5)]
    again = start_logs(logs, first + timedelta(minutes=4), keep=3)  # a second start within the same second
    assert [p.name for p in made] == [f"20261129T10{n:02d}00Z" for n in range(5)]
    assert again.name == "20261129T100400Z-2"
    assert sorted(p.name for p in logs.iterdir()) == ["20261129T100300Z", "20261129T100400Z", "20261129T100400Z-2",
                                                     "latest"]
    assert (logs / "latest").resolve() == again.resolve()


def test_a_log_tail_shows_the_last_lines_that_say_something(tmp_path):
    log = tmp_path / "api.log"
    log.write_text("".join(f"line {n}\n\n" for n in range(30)))
    assert log_tail(log, lines=3) == "    line 27\n    line 28\n    line 29"
    missing = tmp_path / "missing.log"
    assert log_tail(missing) == f"    (cannot read {missing}: No such file or directory)"


@pytest.fixture
def dev_process_state():
    """run() works in this process's environment and leaves the stop signals ignored: put both back."""
    environment = dict(os.environ)
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    yield
    os.environ.clear()
    os.environ.update(environment)
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.fixture
def state_dir():
    # The cluster runs as `postgres`, which must be able to walk into the folder (scratch_folder says why).
    with scratch_folder("cruddur-dev-state-", mode=0o711) as folder:
        yield folder / ".state"


def dev_options(state_dir: Path, **ports: int) -> Options:
    env = {"BACKEND_PORT": free_port(), "FRONTEND_PORT": free_port(), "AWS_LOCAL_PORT": free_port(),
           "DB_PORT": free_port(), **ports}
    return Options.from_env({name: str(port) for name, port in env.items()}, state_dir=state_dir)


def test_a_database_that_cannot_start_is_named_with_postgres_own_words_and_the_log_is_kept(state_dir,
                                                                                          dev_process_state):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        out = io.StringIO()
        assert dev.run(dev_options(state_dir, DB_PORT=taken), os.environ, out) == 1
    said = out.getvalue()
    folder = (state_dir / "logs" / "latest").resolve()
    assert f"make dev: PostgreSQL did not start on port {taken}" in said, said
    assert f"PostgreSQL's log, {folder / 'postgres.log'}, ends:" in said, said
    assert "could not bind" in said, said  # PostgreSQL's own reason, from its log
    assert said.rstrip().endswith(f"every log of this start: {folder}"), said
    assert (folder / "dev.log").read_text() == said
    assert not (folder / "aws-local.log").exists(), "nothing after the database may have started"


def test_an_api_that_exits_at_start_is_named_with_its_exit_code_and_log_and_the_rest_is_stopped(
        state_dir, dev_process_state, monkeypatch):
    # Stands in for a broken API (a bad setting, an import error): the command make dev starts for it.
    broken = [sys.executable, "-c", "import sys; print('cruddur: FRONTEND_URL is not an origin'); sys.exit(3)"]
    monkeypatch.setattr(dev, "backend_command", lambda opts: broken)
    opts = dev_options(state_dir)
    out = io.StringIO()
    assert dev.run(opts, os.environ, out) == 1
    said = out.getvalue()
    folder = (state_dir / "logs" / "latest").resolve()
    assert "make dev: the API exited while starting (exit code 3)" in said, said
    assert f"the API's log, {folder / 'api.log'}, ends:\n    cruddur: FRONTEND_URL is not an origin" in said, said
    assert (folder / "api.log").read_text() == "cruddur: FRONTEND_URL is not an origin\n"
    assert (folder / "aws-local.log").stat().st_size > 0
    for name in ("the web app", "the AWS emulator", "PostgreSQL"):
        assert f"stopped {name}" in said, said
    assert [port for port in (opts.aws_port, opts.postgres_port, opts.frontend_port) if listening(port)] == []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def processes_marked(marker: str) -> list[str]:
    """Every live process whose environment carries this run's marker (children inherit it)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f"{MARKER}={marker}".encode() in (proc / "environ").read_bytes().split(b"\0") and alive(int(proc.name)):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{proc.name} {command[:120]}")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def fresh_copy(dest: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


class DevRun:
    """One `make dev` in its own process group, its output collected line by line."""

    def __init__(self, checkout: Path, env: dict[str, str], make_args: list[str]):
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.proc = subprocess.Popen(["make", "--no-print-directory", "dev", *make_args], cwd=checkout, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"make dev was not ready after {timeout}s:\n{self.log()}") from None
            if line is None:
                raise AssertionError(f"make dev ended before it was ready:\n{self.log()}")
            if line.strip() == READY_LINE:
                return

    def interrupt(self) -> int:
        """What Ctrl-C in the terminal does: SIGINT to make and everything in its foreground group."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=90)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self) -> str:
        return "".join(self.output[-80:])


@pytest.fixture
def checkout():
    # Not under pytest's tmp_path: every pytest session on the machine resets its root to 0700, which
    # would lock the `postgres` user out of the cluster in the middle of the run.
    where = Path(tempfile.mkdtemp(prefix="cruddur-dev-test-"))
    try:
        yield fresh_copy(where / "cruddur")
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_make_dev_from_a_fresh_copy_serves_signs_in_posts_and_leaves_nothing_behind(checkout):
    marker = uuid.uuid4().hex
    ports = {"BACKEND_PORT": free_port(), "FRONTEND_PORT": free_port(), "AWS_LOCAL_PORT": free_port(),
             "DB_PORT": free_port()}
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CONNECTION_URL", "GITPOD_", "MAKE", "MFLAGS"))}
    env.update({name: str(port) for name, port in ports.items()}, **{MARKER: marker})
    in_venv = sys.prefix != sys.base_prefix
    make_args = [] if os.environ.get("DEV_TEST_FRESH_INSTALL") == "1" or not in_venv else [f"VENV={sys.prefix}"]
    api = f"http://127.0.0.1:{ports['BACKEND_PORT']}"
    aws = f"http://127.0.0.1:{ports['AWS_LOCAL_PORT']}"
    user = cognito.DEMO_USERS[0]
    crud = f"posted from the make dev test {marker[:8]}"

    first = DevRun(checkout, env, make_args)
    try:
        first.wait_ready(FIRST_START_TIMEOUT)
        assert processes_marked(marker), "the marker must be visible on the stack's processes for the check below"
        state = json.loads((checkout / ".state" / "dev.json").read_text())
        config = requests.get(f"http://127.0.0.1:{ports['FRONTEND_PORT']}/config.json", timeout=10).json()
        assert config == {"backendUrl": f"http://localhost:{ports['BACKEND_PORT']}", "region": "us-east-1",
                          "userPoolId": state["user_pool_id"], "userPoolClientId": state["user_pool_client_id"],
                          "cognitoEndpoint": f"http://localhost:{ports['AWS_LOCAL_PORT']}"}

        tokens = cognito.sign_in(aws, state["user_pool_client_id"], user.email, cognito.DEMO_PASSWORD)
        posted = requests.post(f"{api}/api/activities", json={"message": crud, "ttl": "1-day"}, timeout=10,
                               headers={"Authorization": f"Bearer {tokens['AccessToken']}"})
        assert posted.status_code == 201, posted.text
        assert (posted.json()["handle"], posted.json()["message"]) == (user.handle, crud)
    finally:
        if first.proc.poll() is None:
            first.interrupt()
        first.kill()
    assert "stopped PostgreSQL" in first.log(), first.log()
    assert processes_marked(marker) == [], first.log()
    assert [name for name, port in ports.items() if listening(port)] == []

    second = DevRun(checkout, env, make_args)
    started = time.monotonic()
    try:
        second.wait_ready(FIRST_START_TIMEOUT)
        took = time.monotonic() - started
        home = requests.get(f"{api}/api/activities/home", timeout=10).json()["items"]
        assert crud in [item["message"] for item in home], "the crud of the first run must survive a restart"
        state = json.loads((checkout / ".state" / "dev.json").read_text())
        # The emulator forgot its users: the demo user is provisioned anew and linked to its old rows.
        tokens = cognito.sign_in(aws, state["user_pool_client_id"], user.email, cognito.DEMO_PASSWORD)
        again = requests.post(f"{api}/api/activities", json={"message": crud + " again", "ttl": "1-hour"},
                              headers={"Authorization": f"Bearer {tokens['AccessToken']}"}, timeout=10)
        assert (again.status_code, again.json().get("handle")) == (201, user.handle), again.text
    finally:
        if second.proc.poll() is None:
            second.interrupt()
        second.kill()
    assert processes_marked(marker) == [], second.log()
    assert took < SECOND_START_LIMIT, f"a second make dev took {took:.1f}s to serve:\n{second.log()}"
