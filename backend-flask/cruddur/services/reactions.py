"""Likes and reposts: one of each per person and crud, counted on the crud and told to its author. Every read of
cruds tells its reader which of them they liked and reposted (db/sql/fragments/viewer_marks.sql)."""
from __future__ import annotations

from datetime import datetime

from cruddur import budgets
from cruddur.errors import NotFound

# kind → the field saying whether the caller did it
STATES = {"like": "liked", "repost": "reposted"}


def _answer(kind: str, done: bool, counts: dict | None) -> dict:
    if not counts:
        raise NotFound("activity_not_found", "That crud does not exist or has expired.")
    return {STATES[kind]: done, "likes_count": counts["likes_count"], "reposts_count": counts["reposts_count"]}


def add(db, user: dict, activity_uuid, kind: str, now: datetime) -> dict:
    """The caller likes or reposts a live crud; doing it again changes nothing."""
    budgets.spend(db, user["uuid"], kind, now)
    counts = db.commit("reactions/add", user_uuid=user["uuid"], activity_uuid=activity_uuid, kind=kind, now=now)
    return _answer(kind, True, counts)


def remove(db, user: dict, activity_uuid, kind: str, now: datetime) -> dict:
    """The caller takes back their like or repost, and its notification; taking back nothing changes nothing."""
    budgets.spend(db, user["uuid"], kind, now)
    counts = db.commit("reactions/remove", user_uuid=user["uuid"], activity_uuid=activity_uuid, kind=kind, now=now)
    return _answer(kind, False, counts)
