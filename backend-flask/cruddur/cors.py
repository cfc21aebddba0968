"""CORS for the exact origins in FRONTEND_URL and BACKEND_URL; any other origin gets no CORS headers.

The rules, for an API that takes no cookies (the token travels in Authorization, so no Allow-Credentials):
- every answer under /api/ says `Vary: Origin`, so a cache never hands one origin's answer to another;
- an answer to an allowed origin names it in `Access-Control-Allow-Origin`; a preflight (OPTIONS with
  Access-Control-Request-Method) also gets the methods and request headers the API takes and a max age,
  an actual request the response headers the web app may read (Expose-Headers).

Written here rather than taken from flask-cors, which the API used before: its general matching of resources
and origins cost about 40 µs of every request, more than all the API's other hooks together (bench/README.md).
"""
from flask import Flask, request
from werkzeug.exceptions import NotFound

ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, X-Request-Id"
# Retry-After: the web app shows how long a 429 asks it to wait (docs/frontend.md)
EXPOSE_HEADERS = "X-Request-Id, WWW-Authenticate, Retry-After"
MAX_AGE_SECONDS = "600"


def init_app(app: Flask) -> None:
    origins = frozenset(app.config["SETTINGS"].cors_origins)

    def cors_headers(response):
        environ = request.environ
        if not environ["PATH_INFO"].startswith("/api/"):
            return response
        headers = response.headers
        headers.add("Vary", "Origin")
        origin = environ.get("HTTP_ORIGIN")
        if origin in origins:
            headers["Access-Control-Allow-Origin"] = origin
            if _is_preflight(environ):
                headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
                headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                headers["Access-Control-Max-Age"] = MAX_AGE_SECONDS
            else:
                headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response

    app.before_request(_preflight_of_unknown_route)
    app.after_request(cors_headers)


def _is_preflight(environ) -> bool:
    return environ["REQUEST_METHOD"] == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ


def _preflight_of_unknown_route():
    """Let the preflight of a request to a path the API lacks succeed, so the browser goes on to send the
    request and shows its JSON 404; a failed preflight reaches the page only as a network error."""
    if _is_preflight(request.environ) and "HTTP_ORIGIN" in request.environ \
            and isinstance(request.routing_exception, NotFound):
        return "", 200
    return None
