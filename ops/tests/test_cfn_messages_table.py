"""The data stack's DynamoDB table is the one the API creates for itself locally: its keys and index come
from backend-flask/cruddur/messages_store.py (table_definition), so a change on either side fails here
rather than as ValidationException on the first message in production."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from cruddur_ops import cfn_template

ROOT = Path(__file__).resolve().parents[2]


def _api_table_definition() -> dict:
    # loaded by path: the ops tests do not put the API's package on their import path
    spec = importlib.util.spec_from_file_location("messages_store", ROOT / "backend-flask/cruddur/messages_store.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    try:
        spec.loader.exec_module(module)
        return module.table_definition("cruddur-messages")
    finally:
        del sys.modules[spec.name]


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
