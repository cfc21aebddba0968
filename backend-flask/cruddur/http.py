"""The HTTP edge shared by every area: JSON in (strictly checked), JSON out, one error model.

Routes call `read_json` (and cruddur.paging's `page_params`); every error, expected or not, leaves as
{"error": {"code", "message"}} with a 4xx/5xx status and never a traceback.
"""
from __future__ import annotations

import io
import logging
from datetime import datetime, timezone

import orjson
from flask import Flask, Request, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from cruddur import inputs, logs
from cruddur.config import MAX_BODY_BYTES
from cruddur.errors import ApiError, Invalid, RateLimited, StoreUnavailable, Unauthorized, Unavailable, excerpt

# Werkzeug's own statuses, given stable codes for clients to switch on.
HTTP_CODES = {
    400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
    415: "json_required",
}

# Werkzeug's own words for these are written for a server's owner ("If you entered the URL manually please
# check your spelling"); the web app shows the message to people.
HTTP_MESSAGES = {
    404: "There is nothing at this address.",
    413: f"Request bodies are limited to {MAX_BODY_BYTES} bytes.",
}


def iso(value: datetime) -> str:
    # PostgreSQL's times arrive in UTC (the pool's connections run in UTC), so the conversion is rarely needed
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


def _default(o):
    if isinstance(o, datetime):
        return iso(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def _encode(obj) -> bytes:
    return orjson.dumps(obj, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


class ApiJSONProvider(DefaultJSONProvider):
    """orjson's encoding (a feed page in a fraction of the time the json module takes), with ISO 8601 UTC times
    ending in Z at millisecond precision (Flask's default writes HTTP dates) and uuids as strings.

    Keys stay in the order the code builds them (a crud reads uuid, handle, … as in the OpenAPI document).
    """

    def dumps(self, obj, **kwargs) -> str:
        return _encode(obj).decode()

    def response(self, *args, **kwargs):
        # bytes straight into the answer, not through dumps' str and back
        body = _encode(self._prepare_response_obj(args, kwargs))
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def now() -> datetime:
    """The app's clock (tests swap app.extensions["cruddur.clock"] to move time)."""
    return current_app.extensions["cruddur.clock"]()


def init_app(app: Flask) -> None:
    app.extensions["cruddur.clock"] = utcnow
    app.json = ApiJSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_bound_streamed_body)
    app.after_request(_security_headers)

    @app.errorhandler(ApiError)
    def api_error(err: ApiError):
        response = jsonify(err.body())
        response.status_code = err.status
        if isinstance(err, Unauthorized):
            logs.event("request unauthorized", logging.WARNING, reason=err.reason)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        elif isinstance(err, RateLimited):
            response.headers["Retry-After"] = str(err.retry_after)
        elif err.status >= 500:
            logs.event("dependency unavailable", logging.ERROR, code=err.code, cause=repr(err.__cause__))
        return response

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(err: StoreUnavailable):
        logs.event(err.event, logging.ERROR, reason=str(err))
        error = Unavailable(err.code, err.message)
        return error.body(), error.status

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = HTTP_CODES.get(err.code, "http_error")
        message = HTTP_MESSAGES.get(err.code) or err.description
        response = jsonify({"error": {"code": code, "message": message}})
        response.status_code = err.code
        if err.code == 405 and getattr(err, "valid_methods", None):
            response.headers["Allow"] = ", ".join(err.valid_methods)
        elif err.code == 413:
            _discard_body()
        return response

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        logs.log.exception("unhandled error")
        response = jsonify({"error": {"code": "internal_error", "message": "Something went wrong on our side."}})
        response.status_code = 500
        return response


def _bound_streamed_body() -> None:
    """Hold a body sent without Content-Length (chunked) to the same limit as one sent with it.

    Werkzeug caps such a stream at MAX_CONTENT_LENGTH by cutting it short, so an over-limit body would
    be read as its first 64 KiB. Reading one byte past the limit tells the two apart.
    """
    environ = request.environ
    if environ.get("CONTENT_LENGTH") or not environ.get("wsgi.input_terminated"):
        return
    body = environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def _discard_body() -> None:
    """Read what is left of a refused body, so the connection can carry the next request.

    gunicorn drains at most 64 KiB of an unread body and otherwise closes the connection after the answer,
    without saying so in it; nginx, which keeps its connections to gunicorn open, would send the next request
    down the closed one and answer 502. nginx caps bodies (client_max_body_size), so this read is bounded.
    """
    stream = request.environ["wsgi.input"]
    while stream.read(65536):
        pass


def _security_headers(response):
    # Browsers must not guess another type from a JSON answer; and nothing a signed-in caller was
    # shown may be kept by the browser or a shared cache for whoever comes next. (add, not set: nothing
    # else writes these, and set would search the headers first on every request.)
    headers = response.headers
    headers.add("X-Content-Type-Options", "nosniff")
    if "HTTP_AUTHORIZATION" in request.environ:
        headers.add("Cache-Control", "no-store")
    # the route's rule, not its path, names the metrics nginx writes (nginx.conf): a handful of series, not one
    # per crud; nginx keeps the header from clients
    rule = request.url_rule
    if rule is not None:
        headers.add("X-Cruddur-Route", rule.rule)
    return response


def read_json(request: Request, fields: dict[str, type], required: tuple[str, ...] = ()) -> dict:
    """The request's JSON object, with only `fields` (name → type) allowed and `required` present."""
    if not request.is_json:
        raise _UnsupportedMedia()
    try:
        body = inputs.loads(request.get_data(cache=True))
    except inputs.JsonRefused:
        raise Invalid("malformed_json", "The request body is not valid JSON (UTF-8, nested at most "
                                        f"{inputs.MAX_JSON_DEPTH} levels).") from None
    if not isinstance(body, dict):
        raise Invalid("body_not_object", "The request body must be a JSON object.")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise Invalid("unknown_field", f"Unknown field: {excerpt(unknown[0])}.")
    for name in required:
        if body.get(name) is None:
            raise Invalid("missing_field", f"Field {name} is required.")
    for name, value in body.items():
        if not _is_a(value, fields[name]):
            raise Invalid("wrong_type", f"Field {name} must be a {_TYPE_NAMES[fields[name]]}.")
        if isinstance(value, str):
            check_text(name, value)
    return body


def check_text(name: str, value: str) -> None:
    """Refuse text PostgreSQL cannot store: NUL characters and lone UTF-16 surrogates (JSON allows both)."""
    if "\x00" in value:
        raise Invalid("invalid_character", f"Field {name} contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("invalid_character", f"Field {name} is not valid Unicode text.") from None


def _is_a(value, expected: type) -> bool:
    # JSON true/false are Python bools, which are also ints: an integer field must refuse them.
    return isinstance(value, expected) and (expected is bool or not isinstance(value, bool))


_TYPE_NAMES = {str: "string", int: "integer", bool: "boolean", list: "list", dict: "object"}


class _UnsupportedMedia(ApiError):
    status = 415

    def __init__(self):
        super().__init__("json_required", "Send a JSON body with Content-Type: application/json.")
