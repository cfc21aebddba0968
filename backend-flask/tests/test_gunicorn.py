"""Production serving: real gunicorn from gunicorn.conf.py, probed by bin/health-check."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.net import free_port, wait_for_port

BACKEND = Path(__file__).resolve().parents[1]


def probe(port):
    return subprocess.run([sys.executable, str(BACKEND / "bin" / "health-check")], capture_output=True,
                          text=True, timeout=30, env={**os.environ, "PORT": str(port)})


@pytest.fixture
def served(settings, tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2",
           "CONNECTION_URL": settings.connection_url, "CRUDDUR_ENV": "test",
           "AWS_COGNITO_USER_POOL_ID": settings.user_pool_id,
           "AWS_COGNITO_USER_POOL_CLIENT_ID": ",".join(settings.user_pool_client_ids),
           "AWS_COGNITO_JWKS_URL": settings.jwks_url}
    with open(tmp_path / "gunicorn.log", "w+") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"],
                                cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(port, timeout=60)
            yield port, proc, log
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_health_check_exits_0_when_up_and_1_when_down(served):
    port, proc, _ = served
    r = probe(port)
    assert (r.returncode, r.stdout.strip()) == (0, "healthy")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0  # graceful stop
    r = probe(port)
    assert r.returncode == 1 and r.stderr.startswith("unhealthy:")


def test_gunicorn_serves_the_api_and_logs_only_json_lines(served):
    import urllib.request
    port, proc, log = served
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/health-check/ready?secret=x",
                                     headers={"User-Agent": 'probe "quoted"', "X-Request-Id": "trace-1"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert json.load(r)["ready"] is True
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.seek(0)
    lines = [json.loads(line) for line in log]  # every line, gunicorn's own included, is JSON
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert [(a["path"], a["status"], a["request_id"], a["user_agent"]) for a in access] == \
        [("/api/health-check/ready", 200, "trace-1", 'probe "quoted"')]
    assert "secret" not in json.dumps(access)


def test_health_check_imports_only_the_standard_library():
    import ast
    tree = ast.parse((BACKEND / "bin" / "health-check").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


def test_gunicorn_config_reads_port_workers_and_threads(monkeypatch):
    import runpy
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    config = runpy.run_path(str(BACKEND / "gunicorn.conf.py"))
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:8080", 3, 8)
    monkeypatch.delenv("PORT")
    assert runpy.run_path(str(BACKEND / "gunicorn.conf.py"))["bind"] == "0.0.0.0:4567"
