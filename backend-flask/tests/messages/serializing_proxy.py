"""An HTTP proxy that hands the emulator one request at a time.

DynamoDB runs each TransactWriteItems (and each conditional write) in isolation: a concurrent
transaction on the same items is refused with TransactionConflict, never interleaved. The emulator
(moto 5.2.5) serves requests on parallel threads without a lock, so two transactions can both pass
their conditions before either writes, which DynamoDB never allows. Tests of concurrent posts go
through this proxy so that the emulator keeps the isolation the messages design relies on, while
the callers still race each other freely.
"""
from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class SerializingProxy:
    def __init__(self, upstream_url: str):
        upstream = urlsplit(upstream_url)
        one_at_a_time = threading.Lock()

        class Forward(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with one_at_a_time:
                    conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
                    try:
                        conn.request("POST", self.path, body=body, headers=dict(self.headers))
                        answer = conn.getresponse()
                        payload = answer.read()
                    finally:
                        conn.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> SerializingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
