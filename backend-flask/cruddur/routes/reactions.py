"""Likes and reposts of a crud: PUT to do it, DELETE to take it back; both idempotent."""
from flask import Blueprint

from cruddur.auth import caller_user, require_auth
from cruddur.db import db
from cruddur.http import now
from cruddur.services import reactions

bp = Blueprint("reactions", __name__)


@bp.put("/activities/<uuid:activity_uuid>/like")
@require_auth
def like(activity_uuid):
    return reactions.add(db(), caller_user(), activity_uuid, "like", now())


@bp.delete("/activities/<uuid:activity_uuid>/like")
@require_auth
def unlike(activity_uuid):
    return reactions.remove(db(), caller_user(), activity_uuid, "like", now())


@bp.put("/activities/<uuid:activity_uuid>/repost")
@require_auth
def repost(activity_uuid):
    return reactions.add(db(), caller_user(), activity_uuid, "repost", now())


@bp.delete("/activities/<uuid:activity_uuid>/repost")
@require_auth
def unrepost(activity_uuid):
    return reactions.remove(db(), caller_user(), activity_uuid, "repost", now())
