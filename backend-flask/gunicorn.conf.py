"""Gunicorn settings for the API: `gunicorn -c gunicorn.conf.py app:app` from backend-flask/.

Binds 0.0.0.0:$PORT (4567) when run alone (bin/serve binds it to a unix socket behind nginx instead), sizes
itself from GUNICORN_WORKERS / GUNICORN_THREADS, writes its own lines as JSON to stdout (CloudWatch via
awslogs), and on SIGTERM (ECS stopping a task) stops taking
new connections and lets requests in flight finish within graceful_timeout, under ECS's stopTimeout.
"""
import json
import os
import sys

from gunicorn import util
from gunicorn.glogging import Logger

from cruddur.logs import JsonFormatter

bind = f"0.0.0.0:{int(os.environ.get('PORT', '4567'))}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# The app is built once, in the master, and the workers are forked from it (its database pool opens in each
# worker on first use, cruddur.db): a worker answers sooner after start and shares the master's pages
# (docs/api.md, "Start-up and memory"). Reloading on edits (the development image) needs each worker to
# import the app afresh, so there the master does not.
preload_app = "--reload" not in sys.argv
timeout = 30
graceful_timeout = 20
# the load balancer keeps idle connections for 60 s; outlive them so it never reuses a closed one
keepalive = 65
# No admin socket (gunicornc): nobody uses it in a container, and it would be written under $HOME, which
# the read-only root filesystem refuses.
control_socket_disable = True
# gunicorn's own limits, written out because its error answers quote them
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# The access line is nginx's (nginx.conf): bin/serve runs gunicorn behind it, one line per answer.
errorlog = "-"
loglevel = "info"


class JsonLogger(Logger):
    """Gunicorn's own lines as JSON, like the app's: one object per line, values escaped properly."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


logger_class = JsonLogger


def worker_exit(server, worker):
    """Close the worker's database pool so PostgreSQL sees connections end cleanly."""
    app = getattr(worker, "wsgi", None)
    database = getattr(app, "extensions", {}).get("cruddur.db") if app else None
    if database:
        database.close()


# What gunicorn answers itself, before the app sees a request it cannot parse, said in the API's words.
SERVER_ERRORS = {
    400: ("bad_request", "The request is not well-formed HTTP/1.1."),
    403: ("forbidden", "The request is forbidden."),
    414: ("uri_too_long", f"The request line is limited to {limit_request_line} bytes."),
    417: ("expectation_failed", "Only Expect: 100-continue is supported."),
    431: ("headers_too_large", f"Requests carry at most {limit_request_fields} header fields of "
                               f"{limit_request_field_size} bytes each."),
    501: ("not_implemented", "Only the chunked transfer coding is supported."),
}


def write_json_error(sock, status_int, reason, mesg):
    """gunicorn.util.write_error with the API's JSON error body in place of gunicorn's HTML page.

    `mesg` (gunicorn's detail, which quotes the request) is left out: an error never echoes what was sent.
    """
    code, message = SERVER_ERRORS.get(status_int, ("internal_error", "Something went wrong on our side."))
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


# gunicorn has no setting for the body of its own error answers; its workers call util.write_error,
# which this replaces in the master before they fork.
util.write_error = write_json_error
