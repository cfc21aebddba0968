"""The Cognito key set: unreachable at start-up (not ready until it loads), unreachable later (the cached
keys keep signed-in requests working)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from devstack.net import free_port
from drills.drill import poll_until, status_of

READY = "/api/health-check/ready"
FEED = "/api/activities/home"
REFETCH_INTERVAL = 10  # the verifier asks for keys at most once per 10 s


class KeySetServer:
    """Serves the emulator's key set from a port chosen before it exists, so it can start late."""

    def __init__(self, port: int, body: bytes):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def key_set(cognito):
    return requests.get(cognito.jwks_url, timeout=10).content


def test_unreachable_key_set_at_start_means_not_ready_until_it_loads(drill_cluster, api_env, serve, key_set,
                                                                       auth):
    _, url = drill_cluster
    port = free_port()
    # one worker, so every probe asks the process whose keys are being checked
    api = serve({**api_env, "CONNECTION_URL": url, "GUNICORN_WORKERS": "1",
                 "AWS_COGNITO_JWKS_URL": f"http://127.0.0.1:{port}/keys.json"})
    r = requests.get(api.url + READY, timeout=10)
    assert r.status_code == 503 and r.json()["checks"]["cognito_keys"] != "ok"
    assert r.json()["checks"]["database"] == "ok"
    server = KeySetServer(port, key_set)
    try:
        poll_until(lambda: status_of(api.url + READY) == 200, timeout=REFETCH_INTERVAL + 5)
        assert status_of(api.url + FEED, auth.headers("bayko")) == 200
    finally:
        server.close()


def test_key_set_unreachable_later_keeps_cached_keys_working(drill_cluster, api_env, serve, key_set, auth):
    _, url = drill_cluster
    port = free_port()
    server = KeySetServer(port, key_set)
    api = serve({**api_env, "CONNECTION_URL": url, "GUNICORN_WORKERS": "1",
                 "AWS_COGNITO_JWKS_URL": f"http://127.0.0.1:{port}/keys.json"})
    assert status_of(api.url + READY) == 200
    server.close()
    signed_in = [status_of(api.url + FEED, auth.headers(h)) for h in ("bayko", "londo", "andrewbrown")]
    assert signed_in == [200, 200, 200]
    body = requests.get(api.url + READY, timeout=10).json()
    assert body["checks"]["cognito_keys"] == "ok", body
