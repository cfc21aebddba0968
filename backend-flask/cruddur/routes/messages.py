"""Direct messages: the caller's conversations, one conversation's messages, marking it seen, sending.

When DynamoDB is unreachable these routes answer 503 and every other area keeps serving.
"""
from flask import Blueprint, request

from cruddur.auth import caller_user, require_auth
from cruddur.db import db
from cruddur.http import now, read_json
from cruddur.messages_store import store
from cruddur.paging import page_params
from cruddur.services import live, messages

bp = Blueprint("messages", __name__)


@bp.get("/message_groups")
@require_auth
def conversations():
    limit, cursor = page_params(request.args)
    return messages.conversations(store(), db(), caller_user(), limit, cursor).body()


@bp.get("/messages/<message_group_uuid>")
@require_auth
def conversation(message_group_uuid):
    limit, cursor = page_params(request.args)
    return messages.messages(store(), db(), caller_user(), message_group_uuid, limit, cursor).body()


@bp.post("/message_groups/<message_group_uuid>/seen")
@require_auth
def seen(message_group_uuid):
    return live.conversation_seen(db(), store(), caller_user(), message_group_uuid, now())


@bp.post("/messages")
@require_auth
def send():
    body = read_json(request, {"message": str, "handle": str, "message_group_uuid": str}, required=("message",))
    return messages.send(store(), db(), caller_user(), body["message"], now(),
                         handle=body.get("handle"), group_uuid=body.get("message_group_uuid")), 201
