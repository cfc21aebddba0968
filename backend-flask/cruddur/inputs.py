"""Reading what clients send, in one place: whole numbers, uuids and JSON, each with one rule and a bound.

No Flask here: the HTTP edge (cruddur.http), the cursor codec (cruddur.paging) and the token verifier
(cruddur.tokens) all read through these, so a hostile value fails the same way wherever it arrives.
"""
from __future__ import annotations

import json
import re

# The bodies and cursors this API reads are flat; 32 levels leave room and stay far below the depth at
# which Python's parser runs out of stack (RecursionError near 1000).
MAX_JSON_DEPTH = 32
# Enough digits for any count this API takes; more is refused before int() sees it.
MAX_DIGITS = 9

_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# What moves the depth: brackets outside strings. Strings are matched whole so brackets inside them
# (and escaped quotes) are skipped in one step.
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonRefused(ValueError):
    """The text is not JSON this API reads: malformed, not UTF-8, nested too deep, or a non-standard number."""


def uuid_text(text: str) -> str | None:
    """`text` in lowercase when it is a uuid written as the API writes them (8-4-4-4-12 hex digits), else None.

    uuid.UUID() also reads braces, a urn: prefix, no dashes and surrounding spaces; none of those is a uuid
    to the OpenAPI document.
    """
    return text.lower() if _UUID.fullmatch(text) else None


def whole_number(text: str) -> int | None:
    """`text` as a whole number when it is 1–MAX_DIGITS ASCII digits, else None.

    str.isdigit() and int() also accept superscripts, circled and other scripts' digits, spaces, signs
    and underscores; a client's number is only what the OpenAPI document calls an integer.
    """
    return int(text) if _DIGITS.fullmatch(text) else None


def loads(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH, **options):
    """json.loads of RFC 8259 JSON only: UTF-8 bytes (or text), the depth bounded, no NaN or Infinity."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused("not UTF-8") from None
    _check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_refuse_constant, **options)
    except ValueError as err:  # JSONDecodeError, and int() past its digit limit on a huge number
        raise JsonRefused(str(err)) from None


def _check_depth(text: str, max_depth: int) -> None:
    # A text with few brackets cannot nest deeply; only the others are walked token by token.
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for token in _NESTING.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonRefused(f"nested deeper than {max_depth} levels")
        elif mark in "]}":
            depth -= 1


def _refuse_constant(name: str):
    raise JsonRefused(f"{name} is not JSON")
