"""The OpenAPI 3 document: base.yaml plus one <area>.yaml per area, merged once at start-up.

An area adds its paths and schemas in its own file; a path or schema defined twice is an error, so two
areas cannot silently overwrite each other.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from flask import Flask

FOLDER = Path(__file__).resolve().parent


def _parse(text: str):
    # libyaml's parser (PyYAML's wheels carry it): the pure-Python one took 0.4 s of every start
    return yaml.load(text, Loader=yaml.CSafeLoader)


def load(folder: Path = FOLDER) -> dict:
    document = _parse((folder / "base.yaml").read_text())
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    paths = document.setdefault("paths", {})
    for area in sorted(folder.glob("*.yaml")):
        if area.name == "base.yaml":
            continue
        part = _parse(area.read_text()) or {}
        for section, target in (("paths", paths), ("schemas", schemas)):
            source = part.get(section) if section == "paths" else part.get("components", {}).get("schemas")
            for name, value in (source or {}).items():
                if name in target:
                    raise ValueError(f"{area.name}: {section} entry {name!r} is already defined")
                target[name] = value
    return document


def init_app(app: Flask) -> None:
    app.extensions["cruddur.openapi"] = load()


def document(app: Flask) -> dict:
    return app.extensions["cruddur.openapi"]
