"""Typed errors the services raise; one handler (cruddur.http) turns them into the JSON error model.

Plain Python, no Flask, so services can raise them without knowing about HTTP.
"""


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


class Unavailable(ApiError):
    status = 503
