"""The files under aws/ as AWS API input: fill their ${VAR} placeholders, check them against botocore's
model of the API, keep secrets out of them, and normalise them for comparison with what ECS holds.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import botocore.session
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters

from cruddur_ops.errors import OpsError

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Names that must never carry a plain value in a task definition (they belong in `secrets`).
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|API_KEY|ACCESS_KEY|CREDENTIAL|CONNECTION_URL",
                         re.IGNORECASE)
_PASSWORD_IN_URL = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])")
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:(ssm:[^:]+:\d{12}:parameter/|secretsmanager:[^:]+:\d{12}:secret:)\S+$")
MASK = "********"


def secret_looking_value(value: str) -> bool:
    """A URL carrying a password, or a 40-character key in mixed case with digits (an AWS secret key);
    a 40-character git sha, lowercase hex, is not one."""
    if _PASSWORD_IN_URL.search(value):
        return True
    return any(re.search("[A-Z]", m) and re.search("[a-z]", m) and re.search(r"\d", m)
               for m in _KEY_LIKE.findall(value))


def secret_looking(name: str, value: str) -> bool:
    """An environment entry that must be a `secrets` entry instead."""
    return bool(SECRET_NAME.search(name)) or secret_looking_value(value)


class Variables:
    """Placeholder values: flags first, then the environment, then stack outputs, then derived values.

    Stack outputs and derived values (account id, registry, image tag) are fetched only when a file asks
    for a name the flags and the environment leave unset, so rendering with every value given makes no
    AWS call.
    """

    def __init__(self, flags: Mapping[str, str | int] = (), environ: Mapping[str, str] = (),
                 stack_outputs: Callable[[], Mapping[str, str]] = dict,
                 derived: Mapping[str, Callable[[], str | None]] = ()):
        self._given = [dict(flags), dict(environ)]
        self._load_stack_outputs = stack_outputs
        self._stack_outputs: Mapping[str, str] | None = None
        self._derived = dict(derived)
        self._cache: dict[str, str | None] = {}

    def get(self, name: str) -> str | int | None:
        for layer in self._given:
            if layer.get(name) not in (None, ""):
                return layer[name]
        if name not in self._cache:
            if self._stack_outputs is None:
                self._stack_outputs = self._load_stack_outputs()
            found = self._stack_outputs.get(name)
            self._cache[name] = found if found else (self._derived[name]() if name in self._derived else None)
        return self._cache[name]


def parse_var_flags(pairs: list[str]) -> dict[str, str]:
    flags = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not PLACEHOLDER.fullmatch("${" + name + "}"):
            raise OpsError(f"--var {pair!r}: expected NAME=VALUE")
        flags[name] = value
    return flags


def load_template(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise OpsError(f"{path}: file not found") from None
    except json.JSONDecodeError as e:
        raise OpsError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None


def fill(template, variables: Variables, label: str):
    """Replace every ${NAME}. A string that is exactly "${NAME}" takes the value with its type (a count from
    the environment file stays a number); a list item that is exactly "${NAME}" takes a comma-separated value
    as several items (subnet ids). Any unset name stops rendering, naming the file and every missing name."""
    missing: list[str] = []

    def text(value: str):
        def one(match):
            found = variables.get(match.group(1))
            if found is None:
                missing.append(match.group(1))
                return match.group(0)
            return str(found)
        whole = PLACEHOLDER.fullmatch(value)
        if whole and variables.get(whole.group(1)) is not None:
            return variables.get(whole.group(1))
        return PLACEHOLDER.sub(one, value)

    def walk(node):
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            items = []
            for item in node:
                whole = PLACEHOLDER.fullmatch(item) if isinstance(item, str) else None
                if whole and variables.get(whole.group(1)) is not None:
                    items.extend(part.strip() for part in str(variables.get(whole.group(1))).split(",")
                                 if part.strip())
                else:
                    items.append(walk(item))
            return items
        if isinstance(node, str):
            return text(node)
        return node

    rendered = walk(template)
    if missing:
        names = ", ".join(dict.fromkeys("${" + name + "}" for name in missing))
        raise OpsError(f"{label}: {names} not set (pass --var NAME=VALUE, set it in the environment, "
                       f"or deploy the stack that outputs it)")
    return rendered


@functools.cache
def _service_model(service: str):
    return botocore.session.get_session().get_service_model(service)


@dataclass(frozen=True)
class ApiShape:
    """The input of one API operation and the read-only fields its describe output adds."""

    service: str
    operation: str
    described_as: str

    def _model(self):
        return _service_model(self.service)

    @property
    def input_shape(self):
        return self._model().operation_model(self.operation).input_shape

    @property
    def read_only(self) -> set[str]:
        return set(self._model().shape_for(self.described_as).members) - set(self.input_shape.members)


TASK_DEFINITION = ApiShape("ecs", "RegisterTaskDefinition", "TaskDefinition")
SERVICE = ApiShape("ecs", "CreateService", "Service")

_TYPES = {"structure": dict, "map": dict, "list": list, "string": str, "boolean": bool,
          "integer": int, "long": int, "double": (int, float), "float": (int, float), "timestamp": str}


def check_shape(document: dict, api: ApiShape, label: str, warn: Callable[[str], None]) -> dict:
    """Return `document` without read-only keys (each stripped with a warning). An unknown key or a
    value of the wrong type stops with its JSON path; then botocore's own validator has the last word."""
    document = dict(document)
    for key in sorted(api.read_only & set(document)):
        warn(f"{label}: {key} is read-only (ECS sets it); ignored")
        del document[key]

    def walk(node, shape, path):
        expected = _TYPES.get(shape.type_name)
        if expected and (not isinstance(node, expected) or (expected is int and isinstance(node, bool))):
            raise OpsError(f"{label}: {path or '$'}: expected {shape.type_name}, got {type(node).__name__}")
        if shape.type_name == "structure":
            for key, value in node.items():
                where = f"{path}.{key}" if path else key
                if key not in shape.members:
                    raise OpsError(f"{label}: {where}: unknown key for {api.operation}")
                walk(value, shape.members[key], where)
        elif shape.type_name == "list":
            for index, item in enumerate(node):
                walk(item, shape.member, f"{path}[{index}]")
        elif shape.type_name == "map":
            for key, value in node.items():
                walk(value, shape.value, f"{path}.{key}")
        elif shape.type_name == "string" and shape.enum and node not in shape.enum:
            raise OpsError(f"{label}: {path}: {node!r} is not one of {', '.join(shape.enum)}")

    walk(document, api.input_shape, "")
    try:
        validate_parameters(document, api.input_shape)
    except ParamValidationError as e:
        raise OpsError(f"{label}: {' '.join(str(e.kwargs['report']).split())}") from None
    return document


def check_secrets(task_definition: dict, label: str) -> None:
    """Secrets reach containers only as `valueFrom` ARNs; a secret-looking plain variable is refused."""
    for index, container in enumerate(task_definition.get("containerDefinitions", [])):
        for entry in container.get("environment", []):
            if secret_looking(entry.get("name", ""), entry.get("value", "")):
                raise OpsError(f"{label}: containerDefinitions[{index}].environment {entry.get('name')}: looks "
                               f"like a secret; move it to `secrets` as an SSM parameter ARN")
        for entry in container.get("secrets", []):
            if not SECRET_ARN.match(entry.get("valueFrom", "")):
                raise OpsError(f"{label}: containerDefinitions[{index}].secrets {entry.get('name')}: valueFrom "
                               f"must be an SSM parameter or Secrets Manager ARN")


def mask_secrets(node, key_name: str = ""):
    """A copy with secret-looking values replaced by ********, for anything we print."""
    if isinstance(node, dict):
        if "name" in node and "value" in node and SECRET_NAME.search(str(node["name"])):
            return {**{k: mask_secrets(v, k) for k, v in node.items()}, "value": MASK}
        return {k: (MASK if SECRET_NAME.search(k) and isinstance(v, str) else mask_secrets(v, k))
                for k, v in node.items()}
    if isinstance(node, list):
        return [mask_secrets(item, key_name) for item in node]
    if isinstance(node, str) and secret_looking_value(node):
        return MASK
    return node


# What ECS fills in when a field is left out, so that a file and its registered revision compare equal.
_CONTAINER_DEFAULTS = {"essential": True, "cpu": 0}
_EMPTY = (None, [], {}, "")


def normalise_task_definition(task_definition: dict) -> dict:
    document = {k: v for k, v in task_definition.items() if k not in TASK_DEFINITION.read_only}
    containers = []
    for container in document.get("containerDefinitions", []):
        container = {**_CONTAINER_DEFAULTS, **container}
        for key in ("environment", "secrets"):
            if key in container:
                container[key] = sorted(container[key], key=lambda entry: entry.get("name", ""))
        container["portMappings"] = [
            {"protocol": "tcp", "hostPort": mapping.get("containerPort"), **mapping}
            for mapping in container.get("portMappings", [])
        ]
        containers.append(container)
    if containers:
        document["containerDefinitions"] = sorted(containers, key=lambda c: c.get("name", ""))
    return _drop_empty(document)


def normalise_service(service: dict) -> dict:
    """The fields of a service that CreateService sets, keyed as in the file."""
    allowed = set(SERVICE.input_shape.members) - {"clientToken", "taskDefinition", "cluster"}
    document = {key: value for key, value in service.items() if key in allowed}
    vpc = document.get("networkConfiguration", {}).get("awsvpcConfiguration")
    if vpc:
        vpc = {**vpc, "subnets": sorted(vpc.get("subnets", [])),
               "securityGroups": sorted(vpc.get("securityGroups", []))}
        document["networkConfiguration"] = {**document["networkConfiguration"], "awsvpcConfiguration": vpc}
    return _drop_empty(document)


def _drop_empty(node):
    if isinstance(node, dict):
        cleaned = {k: _drop_empty(v) for k, v in node.items()}
        return {k: v for k, v in sorted(cleaned.items()) if v not in _EMPTY}
    if isinstance(node, list):
        return [_drop_empty(item) for item in node]
    return node
