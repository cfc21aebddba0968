"""People: a profile with its cruds, the short card, the caller's own profile and its edits."""
from flask import Blueprint, request

from cruddur.auth import caller_sub, caller_user, optional_auth, require_auth
from cruddur.db import db
from cruddur.http import now, read_json
from cruddur.paging import page_params
from cruddur.services import users

bp = Blueprint("users", __name__)


@bp.get("/activities/@<handle>")
@optional_auth
def profile(handle):
    limit, cursor = page_params(request.args)
    person, page = users.profile_page(db(), caller_sub(), handle, now(), limit, cursor)
    return {"profile": person, **page.body()}


@bp.get("/users/@<handle>/short")
def short(handle):
    return users.short(db(), handle)


@bp.get("/me")
@require_auth
def me():
    return users.profile(db(), caller_user()["handle"], now())


@bp.post("/profile/update")
@require_auth
def update_profile():
    body = read_json(request, {"display_name": str, "bio": str})
    caller_user()
    return users.update_profile(db(), caller_sub(), body.get("display_name"), body.get("bio"), now())
