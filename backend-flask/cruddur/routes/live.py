"""Live updates: the cheap "anything new?" questions the web app polls, and the seen markers behind them."""
from flask import Blueprint, request

from cruddur.auth import caller_user, optional_auth, require_auth
from cruddur.db import db
from cruddur.http import now
from cruddur.messages_store import store
from cruddur.services import live

bp = Blueprint("live", __name__)


@bp.get("/activities/home/new")
@optional_auth
def new_cruds():
    return live.new_cruds(db(), request.args.get("after"), now())


@bp.get("/me/unread")
@require_auth
def unread():
    return live.unread(db(), store(), caller_user(), now())


@bp.post("/activities/notifications/seen")
@require_auth
def notifications_seen():
    return live.notifications_seen(db(), store(), caller_user(), now())
