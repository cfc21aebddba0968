"""Direct messages: the caller's conversations, one conversation's messages, sending.

The DynamoDB store is built when the blueprint is registered; when DynamoDB is unreachable these
routes answer 503 and every other area keeps serving.
"""
import logging

from flask import Blueprint, Flask, current_app, request

from cruddur import logs
from cruddur.auth import caller_user, require_auth
from cruddur.db import db
from cruddur.errors import Unavailable
from cruddur.http import encode_cursor, now, page_params, read_json
from cruddur.messages_store import MessagesStore, MessagesUnavailable, client_for
from cruddur.readiness import register_readiness_check
from cruddur.services import messages

bp = Blueprint("messages", __name__)


@bp.record_once
def _connect(state) -> None:
    app: Flask = state.app
    settings = app.config["SETTINGS"]
    store = MessagesStore(client_for(settings.region, settings.aws_endpoint_url), settings.message_table)
    app.extensions["cruddur.messages"] = store
    register_readiness_check(app, "dynamodb", store.check)


def store() -> MessagesStore:
    return current_app.extensions["cruddur.messages"]


@bp.errorhandler(MessagesUnavailable)
def _unavailable(err: MessagesUnavailable):
    logs.event("dynamodb unavailable", logging.ERROR, reason=str(err))
    error = Unavailable("messages_unavailable", "Messages cannot be reached right now; try again shortly.")
    return error.body(), error.status


def _page(items: list[dict], position) -> dict:
    return {"items": items, "next_cursor": encode_cursor(*position) if position else None}


@bp.get("/message_groups")
@require_auth
def conversations():
    limit, cursor = page_params(request.args)
    return _page(*messages.conversations(store(), db(), caller_user(), limit, cursor))


@bp.get("/messages/<message_group_uuid>")
@require_auth
def conversation(message_group_uuid):
    limit, cursor = page_params(request.args)
    return _page(*messages.messages(store(), db(), caller_user(), message_group_uuid, limit, cursor))


@bp.post("/messages")
@require_auth
def send():
    body = read_json(request, {"message": str, "handle": str, "message_group_uuid": str}, required=("message",))
    return messages.send(store(), db(), caller_user(), body["message"], now(),
                         handle=body.get("handle"), group_uuid=body.get("message_group_uuid")), 201
