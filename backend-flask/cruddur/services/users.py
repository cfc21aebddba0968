"""Users: created from Cognito on first call, looked up by handle, editing only their own profile."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import orjson

from cruddur import budgets, paging
from cruddur.errors import Conflict, NotFound, excerpt
from cruddur.services.text import written

HANDLE = re.compile(r"[A-Za-z0-9_]{1,32}")
DISPLAY_NAME_MAX = 64
BIO_MAX = 400


def is_handle(value: str) -> bool:
    return bool(HANDLE.fullmatch(value))


# Which users row each Cognito sub named when this process last read it (ensure), so that a read whose statement
# checks the pair itself can name the person without asking PostgreSQL first (db/sql/activities/notifications.sql).
# Never trusted on its own: a pair that no longer holds (an admin linked the sub to another row) makes such a read
# answer nothing, and the caller then asks again. Bounded, least recently used out first.
UUIDS_KEPT = 10_000
_uuids: OrderedDict[str, UUID] = OrderedDict()
_uuids_lock = threading.Lock()


def remembered_uuid(sub: str) -> UUID | None:
    """The users uuid `sub` named when last read here, if it was."""
    with _uuids_lock:
        found = _uuids.get(sub)
        if found is not None:
            _uuids.move_to_end(sub)
        return found


def _remember(sub: str, user: dict) -> dict:
    with _uuids_lock:
        _uuids[sub] = user["uuid"]
        _uuids.move_to_end(sub)
        while len(_uuids) > UUIDS_KEPT:
            _uuids.popitem(last=False)
    return user


def ensure(db, sub: str, cognito_attributes: Callable[[], dict]) -> dict:
    """The caller's users row, created from their Cognito attributes the first time they call.

    `cognito_attributes` is only called for a caller without a row yet. Two first requests racing each
    other both insert with ON CONFLICT DO NOTHING and then read the one row that won.
    """
    user = db.object("users/by_sub", sub=sub)
    if user:
        return _remember(sub, user)
    attrs = cognito_attributes()
    handle = attrs.get("preferred_username", "")
    if not is_handle(handle):
        raise Conflict("handle_invalid", "Your Cognito preferred_username must be 1–32 letters, digits or _.")
    display_name = (attrs.get("name") or handle).strip()[:DISPLAY_NAME_MAX]
    db.commit("users/create_from_cognito", sub=sub, handle=handle, display_name=display_name,
              email=attrs.get("email", ""))
    user = db.object("users/by_sub", sub=sub)
    if not user:
        raise Conflict("handle_taken", f"The handle @{handle} belongs to someone else.")
    return _remember(sub, user)


def profile(db, handle: str, now: datetime) -> dict:
    found = db.object("users/profile", handle=handle, now=now) if is_handle(handle) else None
    if not found:
        raise NotFound("user_not_found", f"Nobody is called @{excerpt(handle)}.")
    return found


def profile_page(db, viewer_sub: str | None, handle: str, now: datetime, limit: int,
                 cursor: paging.Position | None) -> tuple[orjson.Fragment, paging.Page]:
    """A person's profile (its JSON as PostgreSQL wrote it) and a page of their live top-level cruds, from one
    statement: the page a profile shows costs one round trip, not one for the person and one for the cruds."""
    found = db.array("users/profile_page", viewer_sub=viewer_sub, handle=handle, now=now,
                     **paging.query(limit, cursor)) if is_handle(handle) else []
    if not found:
        raise NotFound("user_not_found", f"Nobody is called @{excerpt(handle)}.")
    return orjson.Fragment(found[0]["profile"]), paging.page_of([row for row in found if row["item"]], limit)


def short(db, handle: str) -> dict:
    found = db.object("users/short", handle=handle) if is_handle(handle) else None
    if not found:
        raise NotFound("user_not_found", f"Nobody is called @{excerpt(handle)}.")
    return found


def update_profile(db, sub: str, display_name: str | None, bio: str | None, now: datetime) -> dict:
    """Change the caller's own display name and bio; absent fields keep their value."""
    current = db.object("users/by_sub", sub=sub)
    name = current["display_name"] if display_name is None else written(
        display_name, DISPLAY_NAME_MAX, "display_name",
        too_long=f"A display name holds {DISPLAY_NAME_MAX} characters at most.",
        blank="A display name needs at least one character.")
    text = current["bio"] if bio is None else written(bio, BIO_MAX, "bio",
                                                      too_long=f"A bio holds {BIO_MAX} characters at most.", blank=None)
    budgets.spend(db, current["uuid"], "profile", now)
    handle = db.value("users/update_profile", sub=sub, display_name=name, bio=text)
    return profile(db, handle, now)
