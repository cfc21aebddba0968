"""Production serving: bin/serve (nginx in front of gunicorn from gunicorn.conf.py), probed by bin/health-check."""
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
           "CONNECTION_URL": settings.connection_url, "CRUDDUR_ENV": "test", "CRUDDUR_ENVIRONMENT": "staging",
           "AWS_COGNITO_USER_POOL_ID": settings.user_pool_id,
           "AWS_COGNITO_USER_POOL_CLIENT_ID": ",".join(settings.user_pool_client_ids),
           "AWS_COGNITO_JWKS_URL": settings.jwks_url}
    with open(tmp_path / "serve.log", "w+") as log:
        proc = subprocess.Popen([sys.executable, "bin/serve"], cwd=BACKEND, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
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


def test_when_gunicorn_dies_serve_stops_nginx_and_exits_1(served):
    """A half-dead task must not look healthy: ECS replaces it only if the container exits."""
    port, proc, log = served
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children}
    gunicorn = next(int(pid) for pid, cmd in commands.items() if b"gunicorn" in cmd)
    nginx = next(int(pid) for pid, cmd in commands.items() if b"nginx" in cmd)
    os.kill(gunicorn, signal.SIGKILL)
    assert proc.wait(timeout=30) == 1
    assert not Path(f"/proc/{nginx}").exists() or b"zombie" in Path(f"/proc/{nginx}/status").read_bytes().lower()
    log.seek(0)
    assert any("gunicorn exited on its own" in line for line in log)
    assert probe(port).returncode == 1


def test_the_api_is_served_and_logs_only_json_lines(served):
    import urllib.request
    port, proc, log = served
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/health-check/ready?secret=x",
                                     headers={"User-Agent": 'probe "quoted"', "X-Request-Id": "trace-1"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert json.load(r)["ready"] is True
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.seek(0)
    lines = [json.loads(line) for line in log]  # every line, gunicorn's and nginx's included, is JSON
    access = [line for line in lines if line["logger"] == "nginx.access"]
    assert [(a["path"], a["status"], a["request_id"], a["user_agent"]) for a in access] == \
        [("/api/health-check/ready", 200, "trace-1", 'probe "quoted"')]
    assert "secret" not in json.dumps(access)


def test_nginx_names_a_request_that_came_without_an_id_and_the_app_still_judges_a_sent_one(served):
    import re
    import urllib.request
    port, _, _ = served

    def request_id(sent: str | None) -> str:
        headers = {"X-Request-Id": sent} if sent is not None else {}
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/health-check", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.headers["X-Request-Id"]

    made = {request_id(None) for _ in range(3)}
    assert len(made) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in made), made
    assert request_id("trace-2") == "trace-2"
    refused = request_id("not an id!")  # the app's rule (cruddur/logs.py) replaces it with a fresh uuid
    assert refused != "not an id!" and re.fullmatch(r"[0-9a-f-]{36}", refused), refused


def test_each_access_line_is_an_embedded_metric_document_per_route(served):
    """CloudWatch Logs makes Requests and Latency of Cruddur/Api from these lines (docs/api.md, "Metrics")."""
    import time
    import urllib.error
    import urllib.request
    port, proc, log = served
    before = time.time() * 1000
    for path in ("/api/health-check", "/api/activities/@nobody/status/5d2e6a57-0a53-4b43-9a55-1d3f0a2c8f10",
                 "/no/such/route"):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
                headers = answer.headers
        except urllib.error.HTTPError as err:
            headers = err.headers
        assert "X-Cruddur-Route" not in headers, "the route header stays between gunicorn and nginx"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.seek(0)
    access = [line for line in map(json.loads, log) if line["logger"] == "nginx.access"]
    assert [(a["Route"], a["status"]) for a in access] == [
        ("/api/health-check", 200), ("/api/activities/@<handle>/status/<uuid:activity_uuid>", 404), ("none", 404)]
    for line in access:
        directive = line["_aws"]["CloudWatchMetrics"]
        assert directive == [{"Namespace": "Cruddur/Api", "Dimensions": [["Environment", "Route", "Method"]],
                              "Metrics": [{"Name": "Requests", "Unit": "Count"},
                                          {"Name": "Latency", "Unit": "Milliseconds"}]}]
        assert (line["Environment"], line["Method"], line["Requests"]) == ("staging", "GET", 1)
        assert isinstance(line["Latency"], int) and 0 <= line["Latency"] <= line["duration_s"] * 1000 + 1
        assert before - 1000 <= line["_aws"]["Timestamp"] <= time.time() * 1000 + 1000


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
    from devstack.serve import Served
    env = {**os.environ, "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "CONNECTION_URL": database_url,
           "CRUDDUR_ENV": "test", "AWS_COGNITO_USER_POOL_ID": cognito.user_pool_id,
           "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito.client_id, "AWS_COGNITO_JWKS_URL": cognito.jwks_url}
    with Served(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log") as server:
        yield server.port


def exchange(port: int, request: bytes) -> tuple[int, dict, bytes]:
    """One raw HTTP/1.1 exchange, for requests no client library would send: (status, headers, body)."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        # nginx may keep the connection open after an answer: read one answer, by its length
        while b"\r\n\r\n" not in received and (chunk := sock.recv(65536)):
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
        while len(body) < int(headers.get("content-length", 0)) and (chunk := sock.recv(65536)):
            body += chunk
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("request_bytes, status, code", [
    # gunicorn's limits, behind nginx
    (b"GET /api/health-check?" + b"q" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
     431, "headers_too_large"),
    # what nginx refuses before gunicorn sees it
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"b" * 17000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /api/health-check HTTP/9.9\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"),
    (b"G\x00T /api/health-check HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    (b"GET /api/health-check HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "bad_request"),
    (b"POST /api/activities HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n", 413, "body_too_large"),
    (b"GET /.errors/400 HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
], ids=["uri-too-long", "header-too-large", "too-many-headers", "header-over-nginx-buffer", "bad-version",
        "bad-method", "bad-header-name", "body-over-nginx-cap", "nginx-internal-location"])
def test_errors_the_http_servers_answer_themselves_are_in_the_api_error_shape(api_port, request_bytes, status, code):
    got, headers, body = exchange(api_port, request_bytes)
    assert (got, headers["content-type"], headers["x-content-type-options"], headers["cache-control"]) == \
        (status, "application/json", "nosniff", "no-store")
    error = json.loads(body)["error"]
    assert error["code"] == code and "qqqq" not in error["message"] and "bbbb" not in error["message"]


def test_nginx_answers_503_in_the_api_error_shape_while_gunicorn_is_not_there(tmp_path):
    """gunicorn gone for a moment (a worker restart, a crash before bin/serve stops the task)."""
    import importlib.machinery
    import importlib.util
    import shutil
    import urllib.error
    import urllib.request
    loader = importlib.machinery.SourceFileLoader("serve", str(BACKEND / "bin" / "serve"))
    serve = importlib.util.module_from_spec(importlib.util.spec_from_loader("serve", loader))
    loader.exec_module(serve)
    tmp_path.chmod(0o711)  # started as root, nginx's workers are nobody
    port = free_port()
    config = serve.render(tmp_path, port, tmp_path / "nobody-listens.sock")
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-e", "stderr", "-c", str(config),
                              "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, timeout=10)
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/activities/home", timeout=10)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    headers = answer.value.headers
    assert (answer.value.code, headers["Content-Type"], headers["Retry-After"], headers["X-Content-Type-Options"],
            headers["Cache-Control"]) == (503, "application/json", "5", "nosniff", "no-store")
    assert json.load(answer.value)["error"]["code"] == "unavailable"


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
