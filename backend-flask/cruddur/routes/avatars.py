"""Avatars: a presigned upload for the caller's new picture, then the avatar made from it.

When S3 is unreachable these routes answer 503 and every other area keeps serving.
"""
from flask import Blueprint, current_app, request

from cruddur.auth import caller_user, require_auth
from cruddur.avatars_store import store
from cruddur.db import db
from cruddur.http import now, read_json
from cruddur.services import avatars

bp = Blueprint("avatars", __name__)


def _avatars_url() -> str | None:
    return current_app.config["SETTINGS"].avatars_url


@bp.post("/profile/avatar/uploads")
@require_auth
def start_upload():
    body = read_json(request, {"content_type": str}, required=("content_type",))
    return avatars.start_upload(store(), db(), caller_user(), body["content_type"], _avatars_url(), now()), 201


@bp.post("/profile/avatar")
@require_auth
def complete_upload():
    body = read_json(request, {"upload_uuid": str}, required=("upload_uuid",))
    return avatars.complete(store(), db(), caller_user(), body["upload_uuid"], _avatars_url(), now())
