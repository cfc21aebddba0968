"""Paging, in one place: the page sizes, the cursor a client passes back, and the Page every list returns.

A position is (created_at, uuid) of the last item shown: the feeds seek their index to it and the messages
store turns it into its sort key. Clients only ever see it encoded as an opaque cursor.
"""
from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cruddur.errors import Invalid

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# The feeds' SQL fetches one row beyond the largest page under this fixed ceiling (db.sql renders it into
# the text as {{page_ceiling}}), so PostgreSQL plans each feed once per connection.
SQL_CEILING = MAX_PAGE_SIZE + 1

Position = tuple[datetime, str]


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next: Position | None  # where the following page starts; None on the last page

    def body(self) -> dict:
        """The page as every list endpoint answers it."""
        return {"items": self.items, "next_cursor": encode_cursor(*self.next) if self.next else None}


def cursor_invalid() -> Invalid:
    return Invalid("cursor_invalid", "The cursor is not one this API handed out.")


def page_params(args) -> tuple[int, Position | None]:
    """(limit, cursor position) from ?limit=&cursor=; the cursor is opaque to clients."""
    raw_limit = args.get("limit", "")
    if raw_limit == "":
        limit = DEFAULT_PAGE_SIZE
    elif raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE_SIZE:
        limit = int(raw_limit)
    else:
        raise Invalid("limit_invalid", f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    raw_cursor = args.get("cursor", "")
    return limit, (decode_cursor(raw_cursor) if raw_cursor else None)


def encode_cursor(created_at: datetime, row_uuid) -> str:
    payload = json.dumps([created_at.isoformat(), str(row_uuid)]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, row_uuid = json.loads(text)
        return datetime.fromisoformat(stamp), str(uuid.UUID(row_uuid))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise cursor_invalid() from None


def rows(db, name: str, limit: int, cursor: Position | None, shape: Callable[[dict], dict], **params) -> Page:
    """A page of the feed db/sql/<name>.sql, newest first, after `cursor`; `shape` makes each public item."""
    at, after = cursor or (None, None)
    # one row more than the page says whether another page follows
    found = db.array(name, limit=limit + 1, cursor_at=at, cursor_uuid=after, **params)
    shown = found[:limit]
    more = len(found) > limit
    return Page([shape(row) for row in shown], (shown[-1]["created_at"], shown[-1]["uuid"]) if more else None)
