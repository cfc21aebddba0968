"""Tags: what is trending."""
from flask import Blueprint

from cruddur.db import db
from cruddur.http import now
from cruddur.services import tags

bp = Blueprint("tags", __name__)


@bp.get("/tags/trending")
def trending():
    return {"items": tags.trending(db(), now())}
