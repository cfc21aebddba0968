"""JSON-line logs on stdout, each with the request id, for CloudWatch via the awslogs driver.

The request id comes from the caller's X-Request-Id when it looks like one (the load balancer's trace
id or the SPA's), otherwise a fresh uuid; it goes back in the response so a user report can be traced.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._=-]{1,128}")
log = logging.getLogger("cruddur")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            line["request_id"] = g.get("request_id")
            line["method"] = request.method
            line["path"] = request.path
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


# Libraries whose own warnings matter in production (the pool says why a connection failed).
LIBRARY_LOGGERS = ("psycopg.pool",)


def configure(level: str = "INFO") -> None:
    """Route our logger and the libraries' to stdout as JSON, once per process (idempotent for tests)."""
    for logger in (log, *map(logging.getLogger, LIBRARY_LOGGERS)):
        if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            continue
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(level if logger is log else logging.WARNING)
        logger.propagate = False


def init_app(app: Flask) -> None:
    configure()

    @app.before_request
    def assign_request_id():
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())

    @app.after_request
    def echo_request_id(response):
        request_id = g.get("request_id")
        if request_id is not None:
            response.headers.add("X-Request-Id", request_id)
        return response


def event(message: str, level: int = logging.INFO, **fields) -> None:
    """Log one event with structured fields (never pass tokens or secrets here)."""
    log.log(level, message, extra={"fields": fields})
