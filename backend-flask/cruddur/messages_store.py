"""Direct messages in one DynamoDB table (design and reasons: docs/messages.md).

Two kinds of item share the table:

    conversation row  pk=USER#<user uuid>   sk=GROUP#<group uuid>
                      one per member; who the other member is, the conversation's last message and the
                      last message that member has seen (seen_message_key)
    message           pk=GROUP#<group uuid> sk=MSG#<created_at>#<message uuid>

The local secondary index `conversations-by-recency` sorts a user's conversation rows by
`last_message_key` (= `<created_at>#<message uuid>` of the last message), so the conversation list
is one strongly consistent query, newest first. Every attribute is a string.

This module speaks DynamoDB and nothing else: who may read or write what is decided in
cruddur.services.messages. `init_app` builds the app's store and its readiness check; `store()` is it.
"""
from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from cruddur.aws import LazyClient
from cruddur.errors import StoreUnavailable
from cruddur.paging import Page, Position
from cruddur.readiness import register_readiness_check

RECENCY_INDEX = "conversations-by-recency"
USER, GROUP, MSG = "USER#", "GROUP#", "MSG#"

# Error codes that mean "DynamoDB cannot serve us right now" rather than "this code has a bug".
# Throttling is retried by botocore first; what still arrives here has outlasted the retries.
UNAVAILABLE_CODES = frozenset({
    "ResourceNotFoundException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "ThrottlingException", "InternalServerError", "ServiceUnavailable", "UnrecognizedClientException",
    "InvalidSignatureException", "ExpiredTokenException", "AccessDeniedException",
})

# One pair of users has one conversation, and its id is a function of the pair: two people who start
# a conversation with each other at the same moment meet in the same one, with no lookup to race.
CONVERSATION_NAMESPACE = uuid.UUID("afd042b2-92e4-4501-a2ee-7cc1536b4bb9")

# Concurrent transactions on the same conversation rows are refused with TransactionConflict by
# DynamoDB (never by the emulator); a fresh attempt almost always goes through.
TRANSACTION_ATTEMPTS = 4


class MessagesUnavailable(StoreUnavailable):
    """DynamoDB could not be reached or refused to serve."""

    event = "dynamodb unavailable"
    code = "messages_unavailable"
    message = "Messages cannot be reached right now; try again shortly."


def table_definition(table_name: str) -> dict:
    """CreateTable input for the messages table, exactly as the API takes it."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "last_message_key", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "LocalSecondaryIndexes": [{
            "IndexName": RECENCY_INDEX,
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "last_message_key", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }],
    }


def conversation_uuid(user_a: str, user_b: str) -> str:
    return str(uuid.uuid5(CONVERSATION_NAMESPACE, "|".join(sorted((user_a, user_b)))))


def timestamp(moment: datetime) -> str:
    """Fixed-width ISO 8601 UTC, so that string order is time order."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def message_key(created_at: str, message_uuid: str) -> str:
    """Sort position of a message: time first, the uuid breaks ties between equal times."""
    return f"{created_at}#{message_uuid}"


def client_for(region: str, endpoint_url: str | None = None, total_attempts: int | None = 2,
               connect_timeout: float = 2.0, read_timeout: float = 5.0):
    """A DynamoDB client that gives up quickly, so an outage becomes a 503 rather than a hung worker.

    total_attempts counts the first try; None leaves it to botocore (AWS_MAX_ATTEMPTS, else its default).
    """
    retries = {"mode": "standard"}
    if total_attempts is not None:
        retries["total_max_attempts"] = total_attempts
    return LazyClient("dynamodb", region, endpoint_url or None, connect_timeout=connect_timeout,
                      read_timeout=read_timeout, retries=retries)


def _key(position: Position | None) -> str | None:
    return message_key(timestamp(position[0]), position[1]) if position else None


def _position(stamp: str, message_uuid: str) -> Position:
    return datetime.fromisoformat(stamp), message_uuid


def _strings(values: dict) -> dict:
    return {k: {"S": v} for k, v in values.items()}


def _plain(item: dict) -> dict:
    return {k: v["S"] for k, v in item.items()}


def _cancellation_codes(error: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]


class MessagesStore:
    def __init__(self, client, table_name: str, sleep: Callable[[float], None] = time.sleep):
        self.client = client
        self.table_name = table_name
        self._sleep = sleep

    def _call(self, operation: str, **kwargs) -> dict:
        try:
            return getattr(self.client, operation)(**kwargs)
        except BotoCoreError as e:  # no connection, timeouts, missing credentials
            raise MessagesUnavailable(f"{operation}: {e}") from e
        except ClientError as e:
            if e.response["Error"]["Code"] in UNAVAILABLE_CODES:
                raise MessagesUnavailable(f"{operation}: {e}") from e
            raise

    def check(self) -> None:
        """Raise MessagesUnavailable unless the table exists and is ACTIVE."""
        status = self._call("describe_table", TableName=self.table_name)["Table"]["TableStatus"]
        if status != "ACTIVE":
            raise MessagesUnavailable(f"table {self.table_name} is {status}")

    def conversation(self, user_uuid: str, group_uuid: str) -> dict | None:
        """The user's own row of a conversation, or None when the user is not a member."""
        found = self._call("get_item", TableName=self.table_name, ConsistentRead=True,
                           Key=_strings({"pk": USER + user_uuid, "sk": GROUP + group_uuid}))
        return _plain(found["Item"]) if "Item" in found else None

    def conversations(self, user_uuid: str, limit: int, before: Position | None = None) -> Page:
        """The user's conversation rows, most recent last message first, older than `before`."""
        found, more = self._newest_first(USER + user_uuid, "last_message_key", _key(before), limit,
                                         IndexName=RECENCY_INDEX)
        last = found[-1] if more else None
        return Page(found, _position(last["last_message_at"], last["last_message_uuid"]) if last else None)

    def messages(self, group_uuid: str, limit: int, before: Position | None = None) -> Page:
        """The newest `limit` messages older than `before`, returned oldest first."""
        found, more = self._newest_first(GROUP + group_uuid, "sk", MSG + _key(before) if before else None, limit)
        oldest = found[-1] if more else None
        return Page(found[::-1], _position(oldest["created_at"], oldest["message_uuid"]) if oldest else None)

    def _newest_first(self, pk: str, sort_attribute: str, before: str | None, limit: int,
                      **query) -> tuple[list[dict], bool]:
        condition, values = "pk = :pk", {":pk": pk}
        if before is not None:
            condition += f" AND {sort_attribute} < :before"
            values[":before"] = before
        # One item beyond the page tells whether an older page exists, so no cursor leads to an empty page.
        found = self._call("query", TableName=self.table_name, ConsistentRead=True, ScanIndexForward=False,
                           Limit=limit + 1, KeyConditionExpression=condition,
                           ExpressionAttributeValues=_strings(values), **query)
        items = [_plain(i) for i in found["Items"]]
        return items[:limit], len(items) > limit

    def post(self, group_uuid: str, sender_uuid: str, recipient_uuid: str, text: str,
             created_at: datetime, message_uuid: str | None = None) -> dict:
        """Store a message and make it both members' last message, in one transaction.

        Each conversation row only moves forward: a message that loses a race to a later one is
        still stored, but leaves the rows showing the later message.
        """
        message_uuid = message_uuid or str(uuid.uuid4())
        at = timestamp(created_at)
        key = message_key(at, message_uuid)
        message = {"pk": GROUP + group_uuid, "sk": MSG + key, "message_uuid": message_uuid,
                   "message_group_uuid": group_uuid, "sender_user_uuid": sender_uuid,
                   "message": text, "created_at": at}
        rows = [self._advance_row(owner, other, group_uuid, key, message, seen=owner == sender_uuid)
                for owner, other in ((sender_uuid, recipient_uuid), (recipient_uuid, sender_uuid))]
        items = [{"Put": {"TableName": self.table_name, "Item": _strings(message)}}, *rows]
        attempt = 1
        while True:
            try:
                self._call("transact_write_items", TransactItems=items)
                return message
            except ClientError as e:
                if e.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                codes = _cancellation_codes(e)
            if "TransactionConflict" in codes and attempt < TRANSACTION_ATTEMPTS:
                self._sleep(random.uniform(0, 0.05 * 2 ** attempt))
                attempt += 1
            elif "ConditionalCheckFailed" in codes:
                self._store_behind_later_message(message, rows)
                return message
            else:
                raise MessagesUnavailable(f"transact_write_items cancelled: {codes}")

    def _store_behind_later_message(self, message: dict, rows: list[dict]) -> None:
        # A later message already leads the conversation rows: store this one without the transaction
        # and let each row keep whichever message is later.
        self._call("put_item", TableName=self.table_name, Item=_strings(message))
        for row in rows:
            try:
                self._call("update_item", **row["Update"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise

    def mark_seen(self, user_uuid: str, group_uuid: str) -> None:
        """The member has seen the conversation up to its last message (not a member: no row is made)."""
        try:
            self._call("update_item", TableName=self.table_name,
                       Key=_strings({"pk": USER + user_uuid, "sk": GROUP + group_uuid}),
                       UpdateExpression="SET seen_message_key = last_message_key",
                       ConditionExpression="attribute_exists(last_message_key)")
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def unread_conversations(self, user_uuid: str, scanned: int) -> int:
        """How many of the user's `scanned` most recent conversations have a message they have not seen.

        One query of the recency index reading two short attributes per row; a row written before seen
        markers existed has none and counts as unread until it is opened.
        """
        found = self._call("query", TableName=self.table_name, IndexName=RECENCY_INDEX, ConsistentRead=True,
                           ScanIndexForward=False, Limit=scanned, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues=_strings({":pk": USER + user_uuid}),
                           ProjectionExpression="last_message_key, seen_message_key")
        return sum(1 for row in map(_plain, found["Items"])
                   if row["last_message_key"] > row.get("seen_message_key", ""))

    def _advance_row(self, owner: str, other: str, group_uuid: str, key: str, message: dict,
                     seen: bool) -> dict:
        # The sender has seen what they sent: their own row's marker moves with it, the recipient's does not.
        return {"Update": {
            "TableName": self.table_name,
            "Key": _strings({"pk": USER + owner, "sk": GROUP + group_uuid}),
            "UpdateExpression": "SET message_group_uuid = :group, other_user_uuid = :other, "
                                "last_message_key = :key, last_message_uuid = :uuid, last_message = :text, "
                                "last_message_at = :at" + (", seen_message_key = :key" if seen else ""),
            "ConditionExpression": "attribute_not_exists(last_message_key) OR last_message_key < :key",
            "ExpressionAttributeValues": _strings({
                ":group": group_uuid, ":other": other, ":key": key, ":uuid": message["message_uuid"],
                ":text": message["message"], ":at": message["created_at"]}),
        }}


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    messages = MessagesStore(client_for(settings.region, settings.aws_endpoint_url), settings.message_table)
    app.extensions["cruddur.messages"] = messages
    register_readiness_check(app, "dynamodb", messages.check)


def store() -> MessagesStore:
    return current_app.extensions["cruddur.messages"]
