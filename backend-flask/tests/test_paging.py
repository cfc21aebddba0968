"""The paging parameters: one parser for the page size, and cursors refused unless handed out by the API."""
import base64
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruddur.errors import Invalid
from cruddur.paging import MAX_PAGE_SIZE, decode_cursor, encode_cursor, page_params

ROW = "0b7a5d3e-8d4e-4c56-9a43-3b1f3d4a1e11"
AT = datetime(2026, 11, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


def wrapped(value, **dumps) -> str:
    """Any JSON value in the cursor's wrapping: it parses, it is not a cursor."""
    return base64.urlsafe_b64encode(json.dumps(value, **dumps).encode()).decode().rstrip("=")


def test_a_cursor_reads_back_to_its_position_whatever_the_time_zone_it_was_made_in():
    assert decode_cursor(encode_cursor(AT, ROW)) == (AT, ROW)
    ten_east = AT.astimezone(timezone(timedelta(hours=10)))
    assert decode_cursor(encode_cursor(ten_east, uuid.UUID(ROW))) == (AT, ROW)


@pytest.mark.parametrize("cursor", [
    wrapped(["2026-11-01T12:00:00.123456+00:00", ROW], separators=(",", ":")),  # other spacing
    wrapped(["2026-11-01T12:00:00.123456+00:00", ROW], ensure_ascii=False, indent=1),
    wrapped(["2026-11-01T12:00:00.123456+00:00", ROW])[:-1],
    wrapped(["2026-11-01T22:00:00.123456+10:00", ROW]),  # the same instant, another offset
    wrapped(["2026-11-01T12:00:00.123456", ROW]),  # no time zone
    wrapped(["2026-W44-7", ROW]),  # an ISO week date
    wrapped(["2026-11-01T12:00:00+00:00", ROW]),  # no microseconds
    wrapped(["2026-11-01T12:00:00.123456+00:00\x00", ROW]),
    wrapped(["2026-11-01T12:00:00.123456+00:00", ROW.upper()]),
    wrapped(["2026-11-01T12:00:00.123456+00:00", "{" + ROW + "}"]),
    wrapped(["0001-01-01T00:00:00+10:00", ROW]),  # before year 1 in UTC
    wrapped(["9999-12-31T23:59:59.999999-10:00", ROW]),  # after year 9999 in UTC
    wrapped(["1969-12-31T23:59:59.999999+00:00", ROW]),
    wrapped({"at": "2026-11-01T12:00:00.123456+00:00", "uuid": ROW}),
    wrapped({"2026-11-01T12:00:00.123456+00:00": 1, ROW: 2}),
    wrapped([1, 2]), wrapped([["a"], {"b": 1}]), wrapped([None, None]), wrapped(["a", "b", "c"]),
    wrapped("ab"), wrapped(12), wrapped([]),
    base64.urlsafe_b64encode(b"[" * 60 + b"]" * 60).decode().rstrip("="),
    base64.urlsafe_b64encode(b"[NaN, 1]").decode().rstrip("="),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "not-a-cursor", "W10", "!!!!", "A", "A" * 201, "W10=", "W10\x00",
], ids=lambda c: c[:24])
def test_a_cursor_that_merely_parses_is_refused_like_a_malformed_one(cursor):
    with pytest.raises(Invalid) as refused:
        decode_cursor(cursor)
    assert refused.value.code == "cursor_invalid"


@pytest.mark.parametrize("args, expected", [
    ({}, (20, None)), ({"limit": "1"}, (1, None)), ({"limit": "050"}, (50, None)), ({"cursor": ""}, (20, None)),
    ({"cursor": encode_cursor(AT, ROW)}, (20, (AT, ROW))),
])
def test_page_params_read_the_documented_values(args, expected):
    assert page_params(args) == expected


@pytest.mark.parametrize("limit", ["", "0", str(MAX_PAGE_SIZE + 1), "-1", "+5", " 5", "5 ", "1_0", "1.0", "5e1",
                                   "\u00b2", "\u2460", "\u0665", "\uff15", "\U0001d7d3", "9" * 10, "9" * 5000])
def test_page_params_refuse_any_other_limit(limit):
    with pytest.raises(Invalid) as refused:
        page_params({"limit": limit})
    assert refused.value.code == "limit_invalid"


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30),
                           timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-3))])),
       row_uuid=st.uuids())
def test_a_cursor_is_the_json_pair_it_always_was_and_reads_back(moment, row_uuid):
    # encode_cursor writes the pair by hand; cursors handed out before must stay valid, so it is held to json.dumps
    written = json.dumps([moment.astimezone(timezone.utc).isoformat(timespec="microseconds"), str(row_uuid)])
    assert encode_cursor(moment, row_uuid) == base64.urlsafe_b64encode(written.encode()).decode().rstrip("=")
    assert decode_cursor(encode_cursor(moment, row_uuid)) == (moment, str(row_uuid))
