"""Cruds: the home feed, posting, a crud with its replies, replying, notifications and search."""
from flask import Blueprint, jsonify, request

from cruddur.auth import caller_sub, caller_user, optional_auth, require_auth
from cruddur.db import db
from cruddur.http import check_text, now, read_json
from cruddur.paging import page_params
from cruddur.services import activities

bp = Blueprint("activities", __name__)


@bp.get("/activities/home")
@optional_auth
def home():
    limit, cursor = page_params(request.args)
    return activities.home(db(), caller_sub(), now(), limit, cursor).body()


@bp.post("/activities")
@require_auth
def create():
    body = read_json(request, {"message": str, "ttl": str}, required=("message", "ttl"))
    return jsonify(activities.create(db(), caller_user(), body["message"], body["ttl"], now())), 201


@bp.get("/activities/@<handle>/status/<uuid:activity_uuid>")
@optional_auth
def show(handle, activity_uuid):
    return activities.show(db(), caller_sub(), handle, activity_uuid, now())


@bp.post("/activities/<uuid:activity_uuid>/reply")
@require_auth
def reply(activity_uuid):
    body = read_json(request, {"message": str}, required=("message",))
    return jsonify(activities.reply(db(), caller_user(), activity_uuid, body["message"], now())), 201


@bp.get("/activities/notifications")
@require_auth
def notifications():
    limit, cursor = page_params(request.args)
    return activities.notifications(db(), caller_sub(), caller_user, now(), limit, cursor).body()


@bp.get("/activities/search")
@optional_auth
def search():
    limit, cursor = page_params(request.args)
    term = request.args.get("term", "")
    check_text("term", term)
    return activities.search(db(), caller_sub(), term, now(), limit, cursor).body()
