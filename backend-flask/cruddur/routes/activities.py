"""Cruds: the home feed, posting, a crud with its replies, replying, notifications and search."""
from flask import Blueprint, request

from cruddur.auth import caller_sub, caller_user, optional_auth, require_auth
from cruddur.db import db
from cruddur.http import check_text, now, read_json
from cruddur.paging import page_params
from cruddur.services import activities, reactions

bp = Blueprint("activities", __name__)


@bp.get("/activities/home")
@optional_auth
def home():
    limit, cursor = page_params(request.args)
    return _marked(activities.home(db(), now(), limit, cursor).body())


@bp.post("/activities")
@require_auth
def create():
    body = read_json(request, {"message": str, "ttl": str}, required=("message", "ttl"))
    return _marked(activities.create(db(), caller_user(), body["message"], body["ttl"], now())), 201


@bp.get("/activities/@<handle>/status/<uuid:activity_uuid>")
@optional_auth
def show(handle, activity_uuid):
    found = activities.show(db(), handle, activity_uuid, now())
    reactions.mark(db(), caller_sub(), [found["activity"], *found["replies"]])
    return found


@bp.post("/activities/<uuid:activity_uuid>/reply")
@require_auth
def reply(activity_uuid):
    body = read_json(request, {"message": str}, required=("message",))
    return _marked(activities.reply(db(), caller_user(), activity_uuid, body["message"], now())), 201


@bp.get("/activities/notifications")
@require_auth
def notifications():
    limit, cursor = page_params(request.args)
    return _marked(activities.notifications(db(), caller_user(), now(), limit, cursor).body())


@bp.get("/activities/search")
@optional_auth
def search():
    limit, cursor = page_params(request.args)
    term = request.args.get("term", "")
    check_text("term", term)
    return _marked(activities.search(db(), term, now(), limit, cursor).body())


def _marked(answer: dict) -> dict:
    """A crud, or a page of them, told whether the caller (if signed in) liked and reposted each."""
    reactions.mark(db(), caller_sub(), answer.get("items", [answer]))
    return answer
