"""devstack.serve: a WSGI app served as the API's container serves it (bin/serve: nginx in front of gunicorn),
or under gunicorn alone, told apart by the processes that answer."""
from __future__ import annotations

import os

import pytest
import requests

from devstack.serve import Served

APP = '''
import os


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


@pytest.fixture
def app_dir(tmp_path):
    (tmp_path / "hello.py").write_text(APP)
    return tmp_path


@pytest.mark.parametrize("front", [True, False], ids=["behind-nginx", "gunicorn-alone"])
def test_served_app_answers_from_its_workers_and_stops(app_dir, tmp_path, front):
    env = {**os.environ, "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "1"}
    server = Served(env, tmp_path / "serve.log", chdir=app_dir, app="hello:app", front=front)
    try:
        workers = server.worker_pids()
        assert len(workers) == 2
        answers = {int(requests.get(server.url, timeout=10).text) for _ in range(20)}
        assert answers <= set(workers), "every answer comes from one of gunicorn's workers"
        answer = requests.get(server.url, timeout=10)
        assert (answer.headers.get("Server") == "nginx") is front
        extra = set(server.serving_pids()) - set(workers)
        assert len(extra) == (1 if front else 0), "behind nginx, its one worker process serves too"
        assert all(0 < mb < 500 for mb in server.worker_rss_mb())
        server.terminate()
        assert server.proc.wait(timeout=40) == 0
    finally:
        server.stop()
    assert "Booting worker" in server.log_path.read_text()
