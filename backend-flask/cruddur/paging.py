"""Paging, in one place: the page sizes, the cursor a client passes back, and the Page every list returns.

A position is (created_at, uuid) of the last item shown: the feeds seek their index to it and the messages
store turns it into its sort key. Clients only ever see it encoded as an opaque cursor.
"""
from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson

from cruddur import inputs
from cruddur.errors import Invalid
from cruddur.inputs import whole_number

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# The feeds' SQL fetches one row beyond the largest page under this fixed ceiling (db.sql renders it into
# the text as {{page_ceiling}}), so PostgreSQL plans each feed once per connection.
SQL_CEILING = MAX_PAGE_SIZE + 1
# Counts of what is new (cruds above the page, unread notifications) stop here: past a page's worth the
# reader is told "50 or more", and the count stays one short index range however much piled up.
COUNT_CEILING = MAX_PAGE_SIZE

Position = tuple[datetime, str]

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
# A handed-out cursor is about 110 characters of unpadded base64url; the bound keeps decoding cheap.
MAX_CURSOR_CHARS = 200
_CURSOR = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_CURSOR_CHARS}}}")


@dataclass(frozen=True)
class Page:
    items: list  # dicts, or JSON already written (orjson.Fragment)
    next: Position | None  # where the following page starts; None on the last page

    def body(self) -> dict:
        """The page as every list endpoint answers it."""
        return {"items": self.items, "next_cursor": encode_cursor(*self.next) if self.next else None}


def cursor_invalid() -> Invalid:
    return Invalid("cursor_invalid", "The cursor is not one this API handed out.")


def page_params(args) -> tuple[int, Position | None]:
    """(limit, cursor position) from ?limit=&cursor=; an absent limit is the default page size, an absent
    or empty cursor the first page."""
    limit = DEFAULT_PAGE_SIZE
    if "limit" in args:
        limit = whole_number(args["limit"])
        if limit is None or not 1 <= limit <= MAX_PAGE_SIZE:
            raise Invalid("limit_invalid", f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    raw_cursor = args.get("cursor", "")
    return limit, (decode_cursor(raw_cursor) if raw_cursor else None)


def _stamp(moment: datetime) -> str:
    # One spelling per instant (UTC, microseconds always written), so a cursor can be checked by
    # writing it again.
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def encode_cursor(created_at: datetime, row_uuid) -> str:
    # what json.dumps writes for the pair (an ISO time and a uuid from the store hold nothing to escape), at a
    # fraction of its cost
    payload = f'["{_stamp(created_at)}", "{row_uuid}"]'.encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position inside a cursor this API handed out; anything else, however well it parses, is
    cursor_invalid: it must read back to exactly the same characters encode_cursor writes."""
    if not _CURSOR.fullmatch(cursor):
        raise cursor_invalid()
    try:
        stamp, row_uuid = inputs.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position = datetime.fromisoformat(stamp), str(uuid.UUID(row_uuid))
        # A forgery that merely parses (other spacing or escapes, a week date, another offset, a naive
        # time, a uuid in braces) writes back differently. Before 1970 nothing in Cruddur exists, and
        # refusing it keeps every store's arithmetic on the time in range.
        handed_out = position[0].tzinfo is not None and position[0] >= EARLIEST \
            and encode_cursor(*position) == cursor
    except (ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        raise cursor_invalid() from None
    if not handed_out:
        raise cursor_invalid()
    return position


def place(row: dict) -> Position:
    """Where a row sits in its feed: its own (created_at, uuid), or (feed_at, feed_uuid) for a feed whose
    entries are not one per row of a table (a repost in the home feed, a like among notifications)."""
    return (row["feed_at"], row["feed_uuid"]) if "feed_at" in row else (row["created_at"], row["uuid"])


def rows(db, name: str, limit: int, cursor: Position | None, **params) -> Page:
    """A page of the feed db/sql/<name>.sql, newest first, after `cursor`. Each row holds its place and `item`,
    the public object's JSON as PostgreSQL wrote it, which goes into the answer as it is (an orjson Fragment)."""
    return page_of(db.array(name, **query(limit, cursor), **params), limit)


def query(limit: int, cursor: Position | None) -> dict:
    """A feed statement's paging parameters: one row more than the page, which says whether another follows."""
    at, after = cursor or (None, None)
    return {"limit": limit + 1, "cursor_at": at, "cursor_uuid": after}


def page_of(found: list[dict], limit: int) -> Page:
    """The Page of rows a feed statement returned for query(limit, ...): each holds its place and `item`."""
    shown = found[:limit]
    more = len(found) > limit
    return Page([orjson.Fragment(row["item"]) for row in shown], place(shown[-1]) if more else None)
