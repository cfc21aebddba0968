"""Direct messages: private 1:1 conversations that only their two members can list, read or write.

Membership is the caller's own conversation row in DynamoDB (cruddur.messages_store); who the
members are (handle, display name, avatar) is read from PostgreSQL at display time, so a renamed user
shows their new name and picture in every conversation.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from cruddur import budgets
from cruddur.errors import Invalid, NotFound
from cruddur.messages_store import MessagesStore, conversation_uuid
from cruddur.paging import Page, Position
from cruddur.services import users
from cruddur.services.text import posted_text

MESSAGE_MAX = 1024
# What a member whose users row has gone shows as, rather than breaking the other member's page.
GONE = {"handle": None, "display_name": "Former user", "avatar_url": None}

Cursor = Position | None


def _text(message: str) -> str:
    return posted_text(message, MESSAGE_MAX, "A message", "sending")


def _not_found() -> NotFound:
    # Not a member and no such conversation get the same answer: a uuid reveals nothing.
    return NotFound("message_group_not_found", "No such conversation.")


def _membership(store: MessagesStore, caller: dict, group_uuid: str) -> dict:
    """The caller's own row of the conversation; the one access rule every use case goes through."""
    try:
        group = str(uuid.UUID(group_uuid))
    except ValueError:
        raise _not_found() from None
    row = store.conversation(str(caller["uuid"]), group)
    if row is None:
        raise _not_found()
    return row


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _people(db, uuids) -> dict[str, dict]:
    rows = db.array("messages/people", uuids=sorted(set(uuids)))
    return {str(r["uuid"]): r for r in rows}


def _shape_message(item: dict, people: dict[str, dict]) -> dict:
    sender = people.get(item["sender_user_uuid"], GONE)
    return {"uuid": item["message_uuid"], "handle": sender["handle"], "display_name": sender["display_name"],
            "avatar_url": sender["avatar_url"], "message": item["message"], "created_at": _moment(item["created_at"])}


def _unread(row: dict) -> bool:
    return row["last_message_key"] > row.get("seen_message_key", "")


def conversations(store: MessagesStore, db, caller: dict, limit: int, cursor: Cursor) -> Page:
    """The caller's conversations, most recent first: the other member and the last message."""
    page = store.conversations(str(caller["uuid"]), limit, cursor)
    people = _people(db, [row["other_user_uuid"] for row in page.items])
    items = []
    for row in page.items:
        other = people.get(row["other_user_uuid"], GONE)
        items.append({"uuid": row["message_group_uuid"], "handle": other["handle"],
                      "display_name": other["display_name"], "avatar_url": other["avatar_url"],
                      "message": row["last_message"],
                      "created_at": _moment(row["last_message_at"]), "unread": _unread(row)})
    return Page(items, page.next)


def messages(store: MessagesStore, db, caller: dict, group_uuid: str, limit: int, cursor: Cursor) -> Page:
    """A page of a conversation's messages, oldest first; its next position leads to the older page."""
    row = _membership(store, caller, group_uuid)
    page = store.messages(row["message_group_uuid"], limit, cursor)
    people = _people(db, [str(caller["uuid"]), row["other_user_uuid"]])
    return Page([_shape_message(m, people) for m in page.items], page.next)


def _changed(db, *user_uuids: str) -> None:
    # after DynamoDB has it, so a count read in between is asked again (cruddur.services.live)
    db.commit("messages/changed", uuids=list(user_uuids))


def seen(store: MessagesStore, db, caller: dict, group_uuid: str) -> None:
    """The caller has read the conversation up to its last message: it stops counting as unread."""
    row = _membership(store, caller, group_uuid)
    store.mark_seen(str(caller["uuid"]), row["message_group_uuid"])
    _changed(db, str(caller["uuid"]))


def send(store: MessagesStore, db, sender: dict, message: str, now: datetime, *,
         handle: str | None = None, group_uuid: str | None = None) -> dict:
    """Send to @handle (starting the conversation, or reusing the one the pair already has) or into a
    conversation the sender belongs to. Both members' rows show it as the last message."""
    text = _text(message)
    if (handle is None) == (group_uuid is None):
        raise Invalid("recipient_required", "Send to either a handle or a message_group_uuid, not both.")
    sender_uuid = str(sender["uuid"])
    if handle is not None:
        recipient_uuid = str(users.short(db, handle.removeprefix("@"))["uuid"])
        if recipient_uuid == sender_uuid:
            raise Invalid("message_to_self", "You cannot send a message to yourself.")
        group = conversation_uuid(sender_uuid, recipient_uuid)
    else:
        row = _membership(store, sender, group_uuid)
        recipient_uuid, group = row["other_user_uuid"], row["message_group_uuid"]
    if handle is not None:
        budgets.spend(db, sender_uuid, "conversation", now)
    budgets.spend(db, sender_uuid, "message", now)
    stored = store.post(group, sender_uuid, recipient_uuid, text, now)
    _changed(db, sender_uuid, recipient_uuid)
    return {"message_group_uuid": group, "message": _shape_message(stored, {sender_uuid: sender})}
