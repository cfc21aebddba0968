"""The Cruddur API: `create_app()` builds it; each part is set up by the module that owns it."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from cruddur import auth, avatars_store, cognito, cors, db, http, logs, messages_store, openapi, readiness, routes
from cruddur.config import Settings


def create_app(config: Settings | Mapping[str, str] | None = None) -> Flask:
    """`config`: a Settings, a mapping of environment variables, or None for os.environ."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    app = Flask(__name__, static_folder=None)
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
    return app
