"""Live updates: what is new since the reader last looked, asked cheaply and often (docs/api.md, "Live updates").

The web app polls these every few seconds while its tab is visible, so each answer is a count read from
one short index range (or one small DynamoDB query), never the rows themselves.
"""
from __future__ import annotations

import functools
import logging
from datetime import datetime

from cruddur import logs
from cruddur.errors import Invalid
from cruddur.inputs import uuid_text
from cruddur.messages_store import MessagesStore, MessagesUnavailable
from cruddur.services import messages as conversations

# The conversations looked at for the unread count: the most recent ones, which is where news lands
# (a new message moves its conversation to the top).
CONVERSATIONS_SCANNED = 50
# Unread-message counts kept per worker, by person and messages version: about 100 bytes each.
COUNTS_KEPT = 10_000


@functools.lru_cache(maxsize=COUNTS_KEPT)
def _unread_conversations(store: MessagesStore, user_uuid: str, version: int) -> int:
    # A DynamoDB query costs the API about 3 ms of CPU (botocore), eight times the rest of the poll
    # (bench/RESULTS.md, "Live updates"); users.messages_version moves with every message and every read
    # conversation (services/messages.py), so a count is asked of DynamoDB once per change, not per poll.
    return store.unread_conversations(user_uuid, CONVERSATIONS_SCANNED)


def new_cruds(db, after: str | None, now: datetime) -> dict:
    """How many live top-level cruds the home feed has above the crud `after` (absent: all of them)."""
    mark = None
    if after is not None:
        mark = uuid_text(after)
        if mark is None:
            raise Invalid("after_invalid", "after must be the uuid of a crud.")
    return {"count": db.value("activities/home_new", after=mark, now=now)}


def unread(db, store: MessagesStore, caller: dict, now: datetime) -> dict:
    """The caller's unread notifications and conversations with unread messages.

    DynamoDB being away costs the messages count only (null), not the notifications beside it.
    """
    known = db.object("activities/notifications_unread", user_uuid=caller["uuid"], now=now)
    try:
        messages = _unread_conversations(store, str(caller["uuid"]), known["messages_version"])
    except MessagesUnavailable as err:
        logs.event("dynamodb unavailable", logging.ERROR, reason=str(err))
        messages = None
    return {"notifications": known["notifications"], "messages": messages}


def notifications_seen(db, store: MessagesStore, caller: dict, now: datetime) -> dict:
    """The caller has opened their notifications: those until now stop counting as unread. Answers the
    counts after it, so the navigation is right at once rather than at its next poll."""
    db.commit("activities/notifications_seen", user_uuid=caller["uuid"], now=now)
    return unread(db, store, caller, now)


def conversation_seen(db, store: MessagesStore, caller: dict, group_uuid: str, now: datetime) -> dict:
    """The caller has read a conversation of theirs up to its last message; the counts after it."""
    conversations.seen(store, db, caller, group_uuid)
    return unread(db, store, caller, now)
