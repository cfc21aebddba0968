"""The DynamoDB layer against the emulator over HTTP (and botocore's Stubber where it cannot conflict)."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from botocore.stub import Stubber

from cruddur.messages_store import (
    TRANSACTION_ATTEMPTS,
    MessagesStore,
    MessagesUnavailable,
    client_for,
    timestamp,
)
from devstack.net import free_port

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
ALICE, BOB, CAROL = (str(uuid.uuid4()) for _ in range(3))


def group() -> str:
    return str(uuid.uuid4())


def walk(fetch, limit):
    """Every page of a listing, each fetched from the position the page before it gave as next."""
    pages, before = [], None
    while True:
        page = fetch(limit, before)
        pages.append(page.items)
        if page.next is None:
            return pages
        before = page.next


def walk_messages(store, g, limit):
    return walk(lambda limit, before: store.messages(g, limit, before), limit)


def test_post_stores_the_message_and_both_members_rows(store):
    g = group()
    sent = store.post(g, ALICE, BOB, "hello bob", NOW)

    assert store.messages(g, 10).items == [sent]
    alice_row, bob_row = store.conversation(ALICE, g), store.conversation(BOB, g)
    assert (alice_row["other_user_uuid"], bob_row["other_user_uuid"]) == (BOB, ALICE)
    for row in (alice_row, bob_row):
        assert (row["last_message"], row["last_message_at"]) == ("hello bob", "2026-11-29T12:00:00.000000Z")
    assert store.conversation(CAROL, g) is None


def test_messages_page_oldest_first_with_older_pages_behind_the_cursor_across_years(store):
    g = group()
    # 25 messages, five weeks apart: the oldest is more than two years old
    times = [NOW - timedelta(weeks=5 * i) for i in range(25)]
    for i, at in enumerate(reversed(times)):
        store.post(g, (ALICE, BOB)[i % 2], (BOB, ALICE)[i % 2], f"m{i}", at)

    pages = walk_messages(store, g, 10)

    assert [len(p) for p in pages] == [10, 10, 5]
    for p in pages:
        assert [m["created_at"] for m in p] == sorted(m["created_at"] for m in p), "oldest first within a page"
    assert [m["message"] for p in reversed(pages) for m in p] == [f"m{i}" for i in range(25)]
    assert pages[-1][0]["created_at"] < timestamp(NOW - timedelta(days=800))


def test_messages_page_that_ends_exactly_at_the_oldest_has_no_cursor(store):
    g = group()
    for i in range(4):
        store.post(g, ALICE, BOB, f"m{i}", NOW + timedelta(seconds=i))
    first = store.messages(g, 2)
    second = store.messages(g, 2, first.next)
    assert first.next == (datetime.fromisoformat(first.items[0]["created_at"]), first.items[0]["message_uuid"])
    assert second.next is None
    assert [m["message"] for m in first.items + second.items] == ["m2", "m3", "m0", "m1"]


def test_messages_with_equal_times_are_all_kept_in_uuid_order(store):
    g = group()
    ids = sorted(str(uuid.uuid4()) for _ in range(3))
    for message_uuid in reversed(ids):
        store.post(g, ALICE, BOB, "same instant", NOW, message_uuid=message_uuid)
    pages = walk_messages(store, g, 1)
    assert [p[0]["message_uuid"] for p in reversed(pages)] == ids


def test_conversations_newest_first_across_pages_including_year_old_ones(store):
    partners = [str(uuid.uuid4()) for _ in range(12)]
    last_at = {}
    for i, partner in enumerate(partners):
        at = NOW - timedelta(days=80 * i)  # up to about 2.4 years back
        store.post(group(), partner, ALICE, f"from {i}", at)
        last_at[partner] = timestamp(at)
    store.post(group(), BOB, CAROL, "not alice's", NOW + timedelta(days=1))

    pages = walk(lambda limit, before: store.conversations(ALICE, limit, before), 5)

    rows = [r for p in pages for r in p]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [r["other_user_uuid"] for r in rows] == partners
    assert [r["last_message_at"] for r in rows] == [last_at[p] for p in partners]


def test_conversation_row_moves_to_the_front_when_a_new_message_arrives(store):
    old, new = group(), group()
    store.post(old, ALICE, BOB, "long ago", NOW - timedelta(days=500))
    store.post(new, ALICE, CAROL, "recent", NOW - timedelta(days=1))
    store.post(old, BOB, ALICE, "back again", NOW)
    rows = store.conversations(ALICE, 10).items
    assert [(r["message_group_uuid"], r["last_message"]) for r in rows] == [(old, "back again"), (new, "recent")]


def test_a_message_that_loses_the_race_is_stored_but_the_row_keeps_the_later_one(store):
    g = group()
    store.post(g, BOB, ALICE, "later", NOW + timedelta(seconds=1))
    store.post(g, ALICE, BOB, "earlier, committed last", NOW)

    assert [m["message"] for m in store.messages(g, 10).items] == ["earlier, committed last", "later"]
    for member in (ALICE, BOB):
        assert store.conversation(member, g)["last_message"] == "later"


def test_two_concurrent_posts_are_both_stored_and_the_rows_show_the_later(serialized_store):
    store = serialized_store
    for round_ in range(5):
        g = group()
        start = threading.Barrier(2)
        errors = []

        def post(start, errors, g, sender, recipient, text, at):
            start.wait()
            try:
                store.post(g, sender, recipient, text, at)
            except Exception as e:  # surfaced below with the round it happened in
                errors.append(e)

        threads = [threading.Thread(target=post, args=(start, errors, g, ALICE, BOB, "first", NOW)),
                   threading.Thread(target=post, args=(start, errors, g, BOB, ALICE, "second",
                                                       NOW + timedelta(microseconds=1)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == [], f"round {round_}"
        assert [m["message"] for m in store.messages(g, 10).items] == ["first", "second"], f"round {round_}"
        assert {store.conversation(m, g)["last_message"] for m in (ALICE, BOB)} == {"second"}, f"round {round_}"


def _conflict(stub: Stubber) -> None:
    # What DynamoDB answers when another transaction holds the same conversation rows.
    stub.add_client_error(
        "transact_write_items", service_error_code="TransactionCanceledException",
        service_message="Transaction cancelled", http_status_code=400,
        response_meta={}, modeled_fields={"CancellationReasons": [
            {"Code": "None"}, {"Code": "TransactionConflict"}, {"Code": "None"}]})


def test_a_transaction_conflict_is_retried_after_a_short_pause():
    client = client_for("us-east-1", "http://127.0.0.1:9", total_attempts=1)
    pauses = []
    store = MessagesStore(client, "messages", sleep=pauses.append)
    with Stubber(client) as stub:
        _conflict(stub)
        _conflict(stub)
        stub.add_response("transact_write_items", {})
        sent = store.post(group(), ALICE, BOB, "third time lucky", NOW)
        stub.assert_no_pending_responses()
    assert sent["message"] == "third time lucky"
    assert len(pauses) == 2 and all(0 <= p <= 0.4 for p in pauses)


def test_a_conflict_that_never_clears_is_reported_unavailable():
    client = client_for("us-east-1", "http://127.0.0.1:9", total_attempts=1)
    store = MessagesStore(client, "messages", sleep=lambda s: None)
    with Stubber(client) as stub:
        for _ in range(TRANSACTION_ATTEMPTS):
            _conflict(stub)
        with pytest.raises(MessagesUnavailable, match="TransactionConflict"):
            store.post(group(), ALICE, BOB, "never", NOW)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("call", [
    lambda s: s.check(),
    lambda s: s.conversation(ALICE, group()),
    lambda s: s.conversations(ALICE, 10),
    lambda s: s.messages(group(), 10),
    lambda s: s.post(group(), ALICE, BOB, "hello", NOW),
], ids=["check", "conversation", "conversations", "messages", "post"])
def test_every_operation_reports_an_unreachable_endpoint_as_unavailable(call):
    closed = f"http://127.0.0.1:{free_port()}"
    store = MessagesStore(client_for("us-east-1", closed, total_attempts=1), "messages")
    with pytest.raises(MessagesUnavailable, match="Could not connect"):
        call(store)


def test_check_reports_a_missing_table(ddb):
    with pytest.raises(MessagesUnavailable, match="ResourceNotFoundException"):
        MessagesStore(ddb, "no-such-table").check()


def test_check_passes_for_an_active_table(store):
    assert store.check() is None


def test_timestamps_must_carry_a_timezone():
    with pytest.raises(ValueError, match="timezone-aware"):
        timestamp(datetime(2026, 1, 1))
