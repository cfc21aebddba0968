"""#tags: the search term that is one tag, and what is trending. The tag rule itself is the database's
(crud_tags_in, migration 0006), applied as each crud is written."""
from __future__ import annotations

from datetime import datetime, timedelta

TRENDING_WINDOW = timedelta(hours=24)
TRENDING_SHOWN = 10


def named(db, term: str) -> str | None:
    """The tag `term` is when it is one #tag alone ("#Fargate" → "fargate"), else None."""
    # Only a term starting with "#" can be one; the others need no round trip to be told so.
    return db.value("tags/named", term=term) if term.startswith("#") else None


def trending(db, now: datetime) -> list[dict]:
    """The tags most used among live cruds of the last day, by how many people used each, then how often."""
    return db.array("tags/trending", since=now - TRENDING_WINDOW, now=now, limit=TRENDING_SHOWN)
