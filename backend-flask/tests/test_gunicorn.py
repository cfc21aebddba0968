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


@pytest.fixture(scope="module")
def api_port(database_url, aws, cognito, tmp_path_factory):
    """One gunicorn for the tests that only send it requests (the ones above stop theirs)."""
    from devstack.gunicorn import Gunicorn
    env = {**os.environ, "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "CONNECTION_URL": database_url,
           "CRUDDUR_ENV": "test", "AWS_COGNITO_USER_POOL_ID": cognito.user_pool_id,
           "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito.client_id, "AWS_COGNITO_JWKS_URL": cognito.jwks_url}
    with Gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log") as server:
        yield server.port


def exchange(port: int, request: bytes) -> tuple[int, dict, bytes]:
    """One raw HTTP/1.1 exchange, for requests no client library would send: (status, headers, body)."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("request_bytes, status, code", [
    (b"GET /api/health-check?" + b"q" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
     431, "headers_too_large"),
    (b"GET /api/health-check HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request"),
    (b"G\x00T /api/health-check HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "bad_request"),
], ids=["uri-too-long", "header-too-large", "too-many-headers", "bad-version", "bad-method", "bad-header-name"])
def test_errors_gunicorn_answers_itself_are_in_the_api_error_shape(api_port, request_bytes, status, code):
    got, headers, body = exchange(api_port, request_bytes)
    assert (got, headers["content-type"], headers["x-content-type-options"]) == (status, "application/json", "nosniff")
    error = json.loads(body)["error"]
    assert error["code"] == code and "qqqq" not in error["message"] and "bbbb" not in error["message"]


def chunked_post(port: int, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096]) for i in range(0, len(body), 4096))
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "x", "Content-Type": "application/json",
                                                "Transfer-Encoding": "chunked", "Connection": "close",
                                                **headers}.items())
    return exchange(port, f"POST /api/activities HTTP/1.1\r\n{head}\r\n".encode() + chunks + b"0\r\n\r\n")


def test_a_chunked_body_over_the_limit_is_413_and_one_within_it_is_read_whole(api_port, auth):
    signed_in = auth.headers("bayko")
    over = json.dumps({"message": "hi", "ttl": "1-day", "padding": "x" * 70_000}).encode()
    status, _, body = chunked_post(api_port, over, signed_in)
    assert (status, json.loads(body)["error"]["code"]) == (413, "body_too_large")
    within = json.dumps({"message": "hi", "ttl": "1-day"}).encode()
    within = within[:-1] + b" " * (60_000 - len(within)) + b"}"
    status, _, body = chunked_post(api_port, within, signed_in)
    assert (status, json.loads(body)["message"]) == (201, "hi"), "read whole, not cut short"
