"""Gunicorn settings for the API: `gunicorn -c gunicorn.conf.py app:app` from backend-flask/.

Binds 0.0.0.0:$PORT (4567), sizes itself from GUNICORN_WORKERS / GUNICORN_THREADS, writes its access
log as JSON lines to stdout (CloudWatch via awslogs), and on SIGTERM (ECS stopping a task) stops taking
new connections and lets requests in flight finish within graceful_timeout, under ECS's stopTimeout.
"""
import os

bind = f"0.0.0.0:{int(os.environ.get('PORT', '4567'))}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
# the load balancer keeps idle connections for 60 s; outlive them so it never reuses a closed one
keepalive = 65
accesslog = "-"
errorlog = "-"
loglevel = "info"
# Request ids and users are in the app's log; the access log holds no query string (it can carry a
# cursor or search words) and no headers (Authorization).
access_log_format = (
    '{"time": "%(t)s", "level": "info", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"remote": "%(h)s", "user_agent": "%(a)s"}'
)


def worker_exit(server, worker):
    """Close the worker's database pool so PostgreSQL sees connections end cleanly."""
    app = getattr(worker, "wsgi", None)
    database = getattr(app, "extensions", {}).get("cruddur.db") if app else None
    if database:
        database.close()
