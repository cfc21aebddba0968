"""The data stack's DynamoDB table is the one the API creates for itself locally: its keys and index come
from backend-flask/cruddur/messages_store.py (table_definition), so a change on either side fails here
rather than as ValidationException on the first message in production."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from cruddur_ops import cfn_template

ROOT = Path(__file__).resolve().parents[2]


def _api_table_definition() -> dict:
    # The ops tests do not put the API's package on their import path: it is imported from its folder for
    # this one call, and forgotten again so no other test sees it.
    sys.path.insert(0, str(ROOT / "backend-flask"))
    try:
        return importlib.import_module("cruddur.messages_store").table_definition("cruddur-messages")
    finally:
        sys.path.remove(str(ROOT / "backend-flask"))
        for name in [name for name in sys.modules if name == "cruddur" or name.startswith("cruddur.")]:
            del sys.modules[name]


def _stack_table() -> dict:
    resources = cfn_template.load(ROOT / "aws/cfn/data/template.yaml")["Resources"]
    return resources["MessagesTable"]["Properties"]


def _by_name(items: list[dict], key: str) -> dict:
    return {item[key]: item for item in items}


def test_the_stack_table_has_the_api_keys_attributes_and_billing():
    api, stack = _api_table_definition(), _stack_table()
    assert stack["KeySchema"] == api["KeySchema"]
    assert _by_name(stack["AttributeDefinitions"], "AttributeName") == \
        _by_name(api["AttributeDefinitions"], "AttributeName")
    assert stack["BillingMode"] == api["BillingMode"]


def test_the_stack_table_has_the_api_indexes():
    api, stack = _api_table_definition(), _stack_table()
    for kind in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        assert _by_name(stack.get(kind, []), "IndexName") == _by_name(api.get(kind, []), "IndexName"), kind
