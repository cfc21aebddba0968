"""The API's own description, as OpenAPI 3 JSON."""
from flask import Blueprint, current_app

from cruddur import openapi

bp = Blueprint("docs", __name__)


@bp.get("/openapi.json")
def openapi_document():
    return openapi.document(current_app)
