"""Cruds: posting with a time to live, replying, and the feeds that read them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import orjson

from cruddur import budgets, paging
from cruddur.errors import Invalid, NotFound
from cruddur.paging import Page, Position
from cruddur.services import tags, users
from cruddur.services.text import posted_text, written

TTLS = {
    "30-days": timedelta(days=30), "7-days": timedelta(days=7), "3-days": timedelta(days=3),
    "1-day": timedelta(days=1), "12-hours": timedelta(hours=12), "3-hours": timedelta(hours=3),
    "1-hour": timedelta(hours=1),
}
MESSAGE_MAX = 280
SEARCH_TERM_MAX = 100
REPLIES_SHOWN = 100
Cursor = Position | None


def _message(text: str) -> str:
    return posted_text(text, MESSAGE_MAX, "A crud", "posting")


def _created(row: dict | None) -> orjson.Fragment | None:
    return orjson.Fragment(row["item"]) if row else None


def create(db, author: dict, message: str, ttl: str, now: datetime) -> orjson.Fragment:
    text = _message(message)
    if ttl not in TTLS:
        raise Invalid("ttl_unknown", "Pick one of: " + ", ".join(TTLS) + ".")
    budgets.spend(db, author["uuid"], "crud", now)
    return _created(db.commit("activities/create", user_uuid=author["uuid"], message=text,
                              expires_at=now + TTLS[ttl], now=now))


def reply(db, author: dict, parent_uuid: str, message: str, now: datetime) -> orjson.Fragment:
    text = _message(message)
    budgets.spend(db, author["uuid"], "reply", now)
    created = _created(db.commit("activities/reply", user_uuid=author["uuid"], parent_uuid=parent_uuid,
                                 message=text, now=now))
    if not created:
        raise NotFound("activity_not_found", "That crud does not exist or has expired.")
    return created


# The reads below answer for a reader, `viewer_sub` (None when anonymous): every crud says whether they liked
# and reposted it. Their JSON is built by PostgreSQL (db/sql/fragments/crud_json.sql) and passes through.

def home(db, viewer_sub: str | None, now: datetime, limit: int, cursor: Cursor) -> Page:
    return paging.rows(db, "activities/home", limit, cursor, viewer_sub=viewer_sub, now=now)


def show(db, viewer_sub: str | None, handle: str, activity_uuid: str, now: datetime) -> dict:
    found = db.object("activities/show", viewer_sub=viewer_sub, handle=handle, uuid=activity_uuid, now=now,
                      limit=REPLIES_SHOWN) if users.is_handle(handle) else None
    if not found:
        raise NotFound("activity_not_found", "That crud does not exist or has expired.")
    return {"activity": orjson.Fragment(found["activity"]), "replies": orjson.Fragment(found["replies"])}


def notifications(db, viewer_sub: str, reader: Callable[[], dict], now: datetime, limit: int, cursor: Cursor) -> Page:
    """What the reader, the person with Cognito sub `viewer_sub`, should hear about. `reader()` gives their users
    row (made on their first call); it is asked only when this process does not know their uuid yet, or when the
    page comes back empty, which is also what a uuid the sub no longer names gives."""
    known = users.remembered_uuid(viewer_sub)
    if known:
        page = _notifications(db, viewer_sub, known, now, limit, cursor)
        if page.items or reader()["uuid"] == known:
            return page
    return _notifications(db, viewer_sub, reader()["uuid"], now, limit, cursor)


def _notifications(db, viewer_sub: str, user_uuid: UUID, now: datetime, limit: int, cursor: Cursor) -> Page:
    return paging.rows(db, "activities/notifications", limit, cursor, viewer_sub=viewer_sub, user_uuid=user_uuid,
                       now=now)


def search(db, viewer_sub: str | None, term: str, now: datetime, limit: int, cursor: Cursor) -> Page:
    words = written(term, SEARCH_TERM_MAX, "term", too_long=f"Search terms hold {SEARCH_TERM_MAX} characters at most.",
                    blank="Type something to search for.")
    tag = tags.named(db, words)
    if tag:
        return paging.rows(db, "activities/tagged", limit, cursor, viewer_sub=viewer_sub, tag=tag, now=now)
    return paging.rows(db, "activities/search", limit, cursor, viewer_sub=viewer_sub, term=words, now=now)
