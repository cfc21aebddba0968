"""The Cruddur API: `create_app()` builds it; each part is set up by the module that owns it."""
from __future__ import annotations

import inspect
from collections.abc import Mapping

from flask import Flask

from cruddur import auth, avatars_store, cognito, cors, db, http, logs, messages_store, openapi, readiness, routes
from cruddur.config import Settings


class _SyncFlask(Flask):
    """Flask without its check, on every call of every hook and view, for async functions to wrap: the API has
    none (create_app refuses one), and the check was seven inspections a request."""

    def ensure_sync(self, func):
        return func


def _refuse_async(app: Flask) -> None:
    handlers = [*app.view_functions.values(),
                *(f for funcs in app.before_request_funcs.values() for f in funcs),
                *(f for funcs in app.after_request_funcs.values() for f in funcs),
                *(f for funcs in app.teardown_request_funcs.values() for f in funcs),
                *(f for codes in app.error_handler_spec.values() for spec in codes.values() for f in spec.values())]
    for func in handlers:
        if inspect.iscoroutinefunction(inspect.unwrap(func)):
            raise TypeError(f"{func.__qualname__} is async; the API serves synchronous functions only")


def create_app(config: Settings | Mapping[str, str] | None = None) -> Flask:
    """`config`: a Settings, a mapping of environment variables, or None for os.environ."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    app = _SyncFlask(__name__, static_folder=None)
    app.config["SETTINGS"] = settings
    app.config["DEBUG"] = settings.debug
    logs.init_app(app)
    http.init_app(app)
    cors.init_app(app)
    readiness.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    cognito.init_app(app)
    messages_store.init_app(app)
    avatars_store.init_app(app)
    routes.init_app(app)
    openapi.init_app(app)
    _refuse_async(app)
    return app
