"""The served OpenAPI document describes exactly the routes the app has."""
import re

import pytest
import yaml

from cruddur import openapi

RULE_ARG = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def routes(app) -> set[tuple[str, str]]:
    return {(RULE_ARG.sub(r"{\1}", rule.rule), method.lower())
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def documented(document) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def test_document_matches_url_map_exactly(app, client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and r.json["openapi"].startswith("3.")
    assert documented(r.json) == routes(app)


def test_every_path_parameter_is_declared(client):
    document = client.get("/api/openapi.json").json
    for path, ops in document["paths"].items():
        for name in re.findall(r"{([a-z_]+)}", path):
            for op in ops.values():
                names = {p.get("name") or document["components"]["parameters"][p["$ref"].split("/")[-1]]["name"]
                         for p in op.get("parameters", [])}
                assert name in names, f"{path}: {name} not declared"


def test_every_reference_resolves(client):
    document = client.get("/api/openapi.json").json

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]


def test_areas_cannot_define_a_path_twice(tmp_path):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump({"openapi": "3.0.3", "paths": {}}))
    for area in ("one", "two"):
        (tmp_path / f"{area}.yaml").write_text(yaml.safe_dump({"paths": {"/api/x": {"get": {}}}}))
    with pytest.raises(ValueError, match="/api/x"):
        openapi.load(tmp_path)


def test_every_operation_documents_the_statuses_its_kind_can_answer(client):
    """Each operation lists what the shared edges answer: a token check 401 (and 503 when the key set is
    out of reach), a JSON body 400, 413 and 415."""
    document = client.get("/api/openapi.json").json
    missing = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            expected = set()
            if op.get("security"):
                expected |= {"401", "503"}
            if "requestBody" in op:
                expected |= {"400", "413", "415"}
            if any(p.get("$ref", "").endswith(("/cursor", "/limit")) for p in op.get("parameters", [])):
                expected |= {"400"}
            missing += [f"{method.upper()} {path}: {status}" for status in sorted(expected - set(op["responses"]))]
    assert not missing, missing
