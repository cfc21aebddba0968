"""CORS for the exact origins in FRONTEND_URL and BACKEND_URL; any other origin gets no CORS headers."""
from flask import Flask, request
from flask_cors import CORS
from werkzeug.exceptions import NotFound


def init_app(app: Flask) -> None:
    origins = app.config["SETTINGS"].cors_origins
    CORS(app, resources={r"/api/*": {"origins": origins}},
         allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
         # Retry-After: the web app shows how long a 429 asks it to wait (docs/frontend.md)
         expose_headers=["X-Request-Id", "WWW-Authenticate", "Retry-After"],
         methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"], max_age=600, vary_header=True)
    app.before_request(_preflight_of_unknown_route)


def _preflight_of_unknown_route():
    """Let the preflight of a request to a path the API lacks succeed, so the browser goes on to send the
    request and shows its JSON 404; a failed preflight reaches the page only as a network error."""
    if request.method == "OPTIONS" and "Origin" in request.headers \
            and "Access-Control-Request-Method" in request.headers \
            and isinstance(request.routing_exception, NotFound):
        return "", 200
    return None
