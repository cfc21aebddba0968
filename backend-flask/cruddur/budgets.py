"""Per-person budgets on writes: cruds, replies, messages, messages to a handle (how conversations start),
profile updates, likes, reposts and avatar uploads. One place for the numbers; docs/api.md lists them.

Kept in PostgreSQL (db/sql/budgets), not in the process: every worker of every task spends from the same
row, so running more tasks does not multiply anyone's budget. A budget of N per period lets a person write
N at once, then one more each period / N; a write over budget is refused with 429, Retry-After and the
API's error shape, before anything is written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from cruddur.errors import RateLimited


@dataclass(frozen=True)
class Budget:
    count: int
    period: timedelta
    what: str  # plural, for the message: "cruds"

    def per(self) -> str:
        minutes = int(self.period.total_seconds() // 60)
        return f"{minutes} minutes" if minutes < 60 else f"{minutes // 60} hour" + ("s" if minutes >= 120 else "")


BUDGETS = {
    "crud": Budget(20, timedelta(minutes=10), "cruds"),
    "reply": Budget(30, timedelta(minutes=10), "replies"),
    "message": Budget(60, timedelta(minutes=10), "messages"),
    "conversation": Budget(10, timedelta(hours=1), "messages to a handle"),
    "profile": Budget(10, timedelta(hours=1), "profile updates"),
    # liking and unliking alike: each one can notify the crud's author
    "like": Budget(100, timedelta(minutes=10), "likes"),
    "repost": Budget(30, timedelta(minutes=10), "reposts"),
    "avatar": Budget(10, timedelta(hours=1), "avatar uploads"),
}


def spend(db, user_uuid, action: str, now: datetime) -> None:
    """Take one write of `action` from the person's budget, or raise RateLimited saying when one fits."""
    budget = BUDGETS[action]
    interval = budget.period / budget.count
    if db.commit("budgets/spend", user_uuid=user_uuid, action=action, now=now, interval=interval,
                 period=budget.period):
        return
    whole_at = db.value("budgets/whole_at", user_uuid=user_uuid, action=action)
    wait = max(1, math.ceil((whole_at + interval - budget.period - now).total_seconds()))
    raise RateLimited(wait, f"Too many {budget.what}: {budget.count} per {budget.per()}. "
                            f"Try again in {wait} second{'s' if wait != 1 else ''}.")
