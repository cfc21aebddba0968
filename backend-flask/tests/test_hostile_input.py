"""Hostile input, property by property: every parameter, body field and header of every operation in the
OpenAPI document gets Unicode digits, deep nesting, wrong types, out-of-range dates, huge numbers, control
and invisible characters and forged cursors. Whatever arrives, the answer is never a 5xx; a refusal is a
4xx in the API's error shape that repeats at most an excerpt of the value and writes nothing; and whatever
the document forbids is refused.

The operations and their inputs are read from the document, so a new route is covered the day it is
documented (and test_openapi fails the day it is not).
"""
from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruddur import openapi
from cruddur.errors import EXCERPT_CHARS
from cruddur.logs import REQUEST_ID
from helpers import post_crud, written_rows

DOCUMENT = openapi.load()
PARAMETERS = DOCUMENT["components"]["parameters"]
# The request id is read before routing, the same way for every route: a third of the examples suffices.
REQUEST_ID_SHARE = 3
ROW = "0b7a5d3e-8d4e-4c56-9a43-3b1f3d4a1e11"


def resolve(node: dict) -> dict:
    while "$ref" in node:
        target = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations():
    for path, ops in DOCUMENT["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def body_schema(op: dict) -> dict | None:
    return op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")


def inputs():
    """(operation, where, name) for every input the document lists, and the headers every request has."""
    for path, method, op in operations():
        label = f"{method.upper()} {path}"
        for parameter in map(resolve, op.get("parameters", [])):
            where, name = parameter["in"], parameter["name"]
            yield pytest.param(path, method, where, name, id=f"{label} {where}.{name}")
        schema = body_schema(op)
        if schema:
            for name in schema["properties"]:
                yield pytest.param(path, method, "body", name, id=f"{label} body.{name}")
            yield pytest.param(path, method, "body", None, id=f"{label} body")
            yield pytest.param(path, method, "header", "Content-Type", id=f"{label} header.Content-Type")
        yield pytest.param(path, method, "header", "Authorization", id=f"{label} header.Authorization")
        yield pytest.param(path, method, "header", "X-Request-Id", id=f"{label} header.X-Request-Id")


# --- what hostile values are made of -------------------------------------------------------------------

def wrapped(value) -> str:
    """`value` wrapped as the API wraps its cursors (base64url JSON): it parses, it is no cursor."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


unicode_digits = st.text(st.characters(categories=["Nd", "No", "Nl"], exclude_characters="0123456789"),
                         min_size=1, max_size=6)
controls = st.text(st.characters(codec=None, categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), min_size=1, max_size=8)
invisible = st.lists(st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u3164", "\u2800",
                                      "\xa0", "\u202e", "\x1b[31m", "\x1b[0m", "\x1b]0;x\x07", "\x00", "\x85"]),
                     min_size=1, max_size=6).map("".join)
dates = st.sampled_from(["0001-01-01T00:00:00+10:00", "9999-12-31T23:59:59-14:00", "2026-W44-7", "2026-02-30",
                         "1969-12-31T23:59:59Z", "+275760-09-13T00:00:00Z", "2026-11-01T12:00:00\x00", "NaN"])
huge_numbers = st.sampled_from(["9" * 5000, "1e400", "-1e400", str(2 ** 63), str(-2 ** 63 - 1), "0x10", "1_000",
                                "Infinity", "-0", "1.5"])
forged_cursors = st.one_of(
    st.builds(lambda at, row: wrapped([at, row]), dates, st.sampled_from([ROW, ROW.upper(), "{" + ROW + "}", ""])),
    st.builds(wrapped, st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=4),
                                    lambda inner: st.lists(inner, max_size=3)
                                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=8)),
    st.integers(40, 2000).map(lambda d: base64.urlsafe_b64encode(nested(d).encode()).decode().rstrip("=")),
    st.just(wrapped(["2026-11-01T12:00:00.000000+00:00\x00", ROW])),
    st.text(st.characters(codec="ascii"), min_size=1, max_size=40),
)
hostile_text = st.one_of(unicode_digits, controls, invisible, dates, huge_numbers, forged_cursors,
                         st.text(min_size=1, max_size=30), st.integers(300, 3000).map(lambda n: "h" * n))


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# A body field's value as JSON text: so that nesting a thousand deep, NaN and huge numbers can be sent.
hostile_json = st.one_of(
    hostile_text.map(json_text),
    st.integers(1, 2000).map(nested), st.integers(1, 60).map(lambda d: '{"a": ' * d + "1" + "}" * d),
    st.sampled_from(["null", "true", "false", "0", "-1", "1.5", "NaN", "Infinity", "1e400", "9" * 5000, "[]", "{}",
                     '["hello"]', '{"message": "hello"}', '"\\ud800"', '"a\\u0000b"']),
)
hostile_bodies = st.one_of(
    st.integers(1, 2000).map(nested), hostile_text.map(json_text),
    st.sampled_from(["", "{", "[]", "null", "NaN", '{"a": 1,}', "{'a': 1}", "\ufeff{}", '{"a": 1} {"b": 2}']),
    st.integers(33, 2000).map(lambda d: '{"message": ' + nested(d) + "}"),
)
# Header values HTTP can carry (servers refuse line breaks and NUL before the app sees them).
header_safe = hostile_text.map(lambda v: re.sub(r"[\r\n\x00]", "", v)).filter(bool)
hostile_tokens = st.one_of(
    header_safe, header_safe.map(lambda v: "Bearer " + v),
    st.builds(lambda header, claims: "Bearer " + ".".join(
        base64.urlsafe_b64encode(part.encode()).decode().rstrip("=") for part in (header, claims, "sig")),
        st.one_of(st.integers(40, 1500).map(nested), st.just('{"alg": "none"}'), st.just('{"alg": "RS256", "kid": 1}')),
        st.one_of(st.integers(40, 1500).map(nested), st.just('{"sub": null, "exp": 1e400}'))),
)


# --- what the document says ----------------------------------------------------------------------------

def forbids(schema: dict, value) -> bool:
    """Whether the document refuses `value` (a query or path string, or a parsed body value)."""
    schema = resolve(schema)
    if schema.get("type") == "integer" and isinstance(value, str):
        if not re.fullmatch(r"-?[0-9]+", value):
            return True
        # past 18 digits, beyond any bound the document sets (and int() refuses past 4300 of them)
        value = int(value) if len(value) <= 18 else (-1 if value.startswith("-") else 10 ** 18)
    if schema.get("format") == "cursor":
        return value != ""  # no hostile value is a cursor this API handed out
    return not jsonschema.Draft4Validator(inline(schema), format_checker=jsonschema.FormatChecker()).is_valid(value)


def inline(node):
    """`node` with every $ref replaced by what it points at."""
    if isinstance(node, dict):
        return {k: inline(v) for k, v in resolve(node).items()}
    if isinstance(node, list):
        return [inline(v) for v in node]
    return node


# --- the property ----------------------------------------------------------------------------------------

@pytest.fixture
def world(client, auth, path):
    """Someone to be (bayko), a crud of theirs and, for the message routes, a conversation with andrewbrown,
    so that valid requests reach the code behind the checks."""
    crud = post_crud(client, auth, "bayko", "fargate is up")
    found = {"handle": "bayko", "activity_uuid": crud["uuid"], "term": "fargate"}
    if "/message" in path:
        assert client.get("/api/me", headers=auth.headers("andrewbrown")).status_code == 200
        sent = client.post("/api/messages", json={"handle": "andrewbrown", "message": "hi"},
                           headers=auth.headers("bayko"))
        assert sent.status_code == 201, sent.json
        found["message_group_uuid"] = sent.json["message_group_uuid"]
    return found


def valid(name: str, schema: dict, world: dict, where: str):
    schema = resolve(schema)
    if name == "handle" and where == "body":
        return "andrewbrown"
    if name in world:
        return world[name]
    if "enum" in schema:
        return schema["enum"][0]
    return schema.get("default", 1) if schema.get("type") == "integer" else "hello"


def request_for(path, method, op, world, target_where, target_name, hostile):
    """The operation's request with valid values everywhere but the one input under attack."""
    headers = {"Authorization": world["token"], "X-Request-Id": "hostile-input"}
    query, path_values, body = {}, {}, None
    for parameter in map(resolve, op.get("parameters", [])):
        value = valid(parameter["name"], parameter["schema"], world, parameter["in"])
        if parameter["in"] == "query" and (parameter.get("required") or parameter["name"] == target_name):
            query[parameter["name"]] = value
        elif parameter["in"] == "path":
            path_values[parameter["name"]] = value
    schema = body_schema(op)
    if schema:
        # the required fields, and of "exactly one of" the alternative naming the input under attack
        names = list(schema.get("required", []))
        alternatives = [alt["required"] for alt in schema.get("oneOf", [])]
        names += next((alt for alt in alternatives if target_name in alt), alternatives[0] if alternatives else [])
        body = {name: json_text(valid(name, schema["properties"][name], world, "body")) for name in names}
        headers["Content-Type"] = "application/json"
    if target_where == "query":
        query[target_name] = hostile
    elif target_where == "path":
        path_values[target_name] = hostile
    elif target_where == "header":
        headers[target_name] = hostile
    elif target_name is not None:
        body[target_name] = hostile
    url = path
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", quote(str(value), safe=""))
    if target_where == "body" and target_name is None:
        data = hostile
    elif body is not None:
        data = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in body.items()) + "}"
    else:
        data = None
    return url, {"method": method.upper(), "query_string": query, "headers": headers,
                 "data": data.encode("utf-8", "surrogatepass") if data is not None else None}


def stored(db, ddb, world: dict) -> tuple:
    """What the data tables hold and, on the message routes, the messages of the one conversation they can
    write to (bayko's with andrewbrown: a query of its partition, not a scan of a table that keeps growing)."""
    group = world.get("message_group_uuid")
    messages = ddb.query(TableName="cruddur-messages", Select="COUNT", KeyConditionExpression="pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": f"GROUP#{group}"}})["Count"] if group else None
    return written_rows(db), messages


def strategy(where: str, name: str | None):
    if where == "body":
        return hostile_json if name else hostile_bodies
    if name == "Authorization":
        return hostile_tokens
    if where == "header":
        return header_safe
    return hostile_text


@pytest.fixture
def ddb(aws):
    from cruddur.messages_store import client_for
    return client_for("us-east-1", aws.url, total_attempts=None)


@pytest.mark.parametrize("path, method, where, name", list(inputs()))
def test_hostile_input_is_refused_with_a_4xx_and_changes_nothing(client, auth, db, ddb, world, path, method, where,
                                                                    name):
    op = DOCUMENT["paths"][path][method]
    world = {**world, "token": auth.headers("bayko")["Authorization"]}
    schema = None
    if where in ("query", "path"):
        schema = next(p["schema"] for p in map(resolve, op["parameters"]) if p["name"] == name)
    elif where == "body" and name:
        schema = body_schema(op)["properties"][name]

    @given(hostile=strategy(where, name))
    @settings(max_examples=settings.default.max_examples // (REQUEST_ID_SHARE if name == "X-Request-Id" else 1))
    def attack(hostile):
        url, request = request_for(path, method, op, world, where, name, hostile)
        before = stored(db, ddb, world)
        r = client.open(url, **request)
        assert r.status_code < 500, f"{r.status_code} {r.get_data(as_text=True)[:500]}"
        assert r.is_json, r.get_data(as_text=True)[:200]
        assert re.fullmatch(REQUEST_ID, r.headers["X-Request-Id"])
        if r.status_code >= 400:
            error = r.json["error"]
            assert set(r.json) == {"error"} and set(error) == {"code", "message"}
            assert isinstance(error["code"], str) and isinstance(error["message"], str)
            assert stored(db, ddb, world) == before, "a refused request wrote something"
            if isinstance(hostile, str) and len(hostile) > EXCERPT_CHARS:
                windows = {hostile[i:i + EXCERPT_CHARS + 1] for i in range(len(hostile) - EXCERPT_CHARS)}
                assert not any(w in error["message"] for w in windows), "the error echoes more than an excerpt"
        if schema is not None:
            value = hostile
            if where == "body":
                try:
                    value = json.loads(hostile)
                except (ValueError, RecursionError):
                    value = None
                if value is None:  # not JSON Python reads, or null: the document forbids both
                    assert r.status_code >= 400, f"accepted {hostile[:80]!r}"
                    return
            if forbids(schema, value):
                assert 400 <= r.status_code < 500, f"the document forbids {hostile[:80]!r}, answered {r.status_code}"
        elif where == "body" or (name == "Authorization" and "401" in op["responses"]):
            assert 400 <= r.status_code < 500, f"accepted {hostile[:80]!r} as {name or 'the body'}"

    attack()
