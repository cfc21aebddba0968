"""Gunicorn settings for the API: `gunicorn -c gunicorn.conf.py app:app` from backend-flask/.

Binds 0.0.0.0:$PORT (4567), sizes itself from GUNICORN_WORKERS / GUNICORN_THREADS, writes its access
log as JSON lines to stdout (CloudWatch via awslogs), and on SIGTERM (ECS stopping a task) stops taking
new connections and lets requests in flight finish within graceful_timeout, under ECS's stopTimeout.
"""
import os

from gunicorn.glogging import Logger

from cruddur.logs import JsonFormatter

bind = f"0.0.0.0:{int(os.environ.get('PORT', '4567'))}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
# the load balancer keeps idle connections for 60 s; outlive them so it never reuses a closed one
keepalive = 65
# No admin socket (gunicornc): nobody uses it in a container, and it would be written under $HOME, which
# the read-only root filesystem refuses.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = "info"


class JsonLogger(Logger):
    """Gunicorn's own lines as JSON, like the app's: one object per line, values escaped properly.

    The access line holds no query string (it can carry a cursor or search words) and no request
    headers (Authorization); the request id ties it to the app's lines.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((k.lower(), v) for k, v in resp.headers)
        self.access_log.info("request", extra={"fields": {
            "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"), "status": int(status),
            "bytes": getattr(resp, "sent", None), "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id"), "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }})


logger_class = JsonLogger


def worker_exit(server, worker):
    """Close the worker's database pool so PostgreSQL sees connections end cleanly."""
    app = getattr(worker, "wsgi", None)
    database = getattr(app, "extensions", {}).get("cruddur.db") if app else None
    if database:
        database.close()
