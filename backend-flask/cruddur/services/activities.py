"""Cruds: posting with a time to live, replying, and the feeds that read them."""
from __future__ import annotations

from datetime import datetime, timedelta

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
FIELDS = ("uuid", "handle", "display_name", "message", "replies_count", "reposts_count", "likes_count",
          "reply_to_activity_uuid", "created_at", "expires_at", "avatar_url")

Cursor = Position | None


def shape(row: dict) -> dict:
    """The public activity object (the feeds' rows also carry internal columns)."""
    return {name: row[name] for name in FIELDS}


def _message(text: str) -> str:
    return posted_text(text, MESSAGE_MAX, "A crud", "posting")


def _person(handle: str | None, display_name: str | None) -> dict | None:
    return {"handle": handle, "display_name": display_name} if handle else None


def _notification(row: dict) -> dict:
    return {**shape(row), "reason": row["reason"], "actor": _person(row["actor_handle"], row["actor_display_name"])}


def _home_entry(row: dict) -> dict:
    return {**shape(row), "reposted_by": _person(row["reposted_by_handle"], row["reposted_by_display_name"])}


def create(db, author: dict, message: str, ttl: str, now: datetime) -> dict:
    text = _message(message)
    if ttl not in TTLS:
        raise Invalid("ttl_unknown", "Pick one of: " + ", ".join(TTLS) + ".")
    budgets.spend(db, author["uuid"], "crud", now)
    return db.commit("activities/create", user_uuid=author["uuid"], message=text,
                     expires_at=now + TTLS[ttl], now=now)


def reply(db, author: dict, parent_uuid: str, message: str, now: datetime) -> dict:
    text = _message(message)
    budgets.spend(db, author["uuid"], "reply", now)
    created = db.commit("activities/reply", user_uuid=author["uuid"], parent_uuid=parent_uuid,
                        message=text, now=now)
    if not created:
        raise NotFound("activity_not_found", "That crud does not exist or has expired.")
    return created


def home(db, now: datetime, limit: int, cursor: Cursor) -> Page:
    return paging.rows(db, "activities/home", limit, cursor, _home_entry, now=now)


def by_user(db, user_uuid, now: datetime, limit: int, cursor: Cursor) -> Page:
    return paging.rows(db, "activities/by_user", limit, cursor, shape, user_uuid=user_uuid, now=now)


def show(db, handle: str, activity_uuid: str, now: datetime) -> dict:
    activity = db.object("activities/show", handle=handle, uuid=activity_uuid, now=now) \
        if users.is_handle(handle) else None
    if not activity:
        raise NotFound("activity_not_found", "That crud does not exist or has expired.")
    replies = db.array("activities/replies", uuid=activity_uuid, now=now, limit=REPLIES_SHOWN)
    return {"activity": shape(activity), "replies": [shape(r) for r in replies]}


def notifications(db, user: dict, now: datetime, limit: int, cursor: Cursor) -> Page:
    return paging.rows(db, "activities/notifications", limit, cursor, _notification, user_uuid=user["uuid"], now=now)


def search(db, term: str, now: datetime, limit: int, cursor: Cursor) -> Page:
    words = written(term, SEARCH_TERM_MAX, "term", too_long=f"Search terms hold {SEARCH_TERM_MAX} characters at most.",
                    blank="Type something to search for.")
    tag = tags.named(db, words)
    if tag:
        return paging.rows(db, "activities/tagged", limit, cursor, shape, tag=tag, now=now)
    return paging.rows(db, "activities/search", limit, cursor, shape, term=words, now=now)
