"""One blueprint per area, all under /api. A new area adds its module to AREAS."""
from flask import Flask

from cruddur.routes import activities, avatars, docs, health, live, messages, reactions, tags, users

AREAS = (health, activities, reactions, users, avatars, messages, tags, live, docs)


def init_app(app: Flask) -> None:
    # "/api//me" is not a path of this API: a 404 in JSON, not werkzeug's HTML redirect to "/api/me".
    app.url_map.merge_slashes = False
    for area in AREAS:
        app.register_blueprint(area.bp, url_prefix="/api")
