"""Typed errors the services raise; one handler (cruddur.http) turns them into the JSON error model.

Plain Python, no Flask, so services can raise them without knowing about HTTP.
"""

# How much of a client's own value an error message may repeat: enough to recognise it, never a whole
# 60 KB handle sent back (nor control characters, which JSON escapes but terminals and logs may not).
EXCERPT_CHARS = 40


def excerpt(value: str) -> str:
    """The start of `value` for an error message: at most EXCERPT_CHARS, control characters dropped."""
    shown = "".join(c for c in value[:EXCERPT_CHARS] if c.isprintable())
    return shown + "…" if len(value) > EXCERPT_CHARS else shown


class ApiError(Exception):
    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class Invalid(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, reason: str):
        # Every 401 looks the same to the caller; `reason` is for the log only.
        super().__init__("unauthorized", "A valid access token is required.")
        self.reason = reason


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class TooLarge(ApiError):
    status = 413


class RateLimited(ApiError):
    status = 429

    def __init__(self, retry_after: int, message: str):
        super().__init__("rate_limited", message)
        self.retry_after = retry_after


class Unavailable(ApiError):
    status = 503


class StoreUnavailable(Exception):
    """A store behind the API could not be reached or refused to serve. Wherever it surfaces, the caller gets a
    503 with the store's code and words (cruddur.http) and the log gets the store's event and the reason, this
    exception's text, which is for the log and never the client. Each store's exception names all three."""

    event: str
    code: str
    message: str
