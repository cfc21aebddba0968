"""`diff <service>`: local files against what ECS runs, as a normalised unified diff (exit 0 same, 2 changed)."""
from __future__ import annotations

import dataclasses
import difflib
import json

from cruddur_ops import context, definitions, ecs, release, rendering
from cruddur_ops.errors import CHANGES, OK

HELP = "show how the local task definition and service differ from the live ones (exit 2 when they do)"


def configure(parser) -> None:
    context.add_service_argument(parser)
    rendering.add_arguments(parser)


def _text(document) -> list[str]:
    if document is None:
        return []
    return json.dumps(definitions.mask_secrets(document), indent=2, sort_keys=True).splitlines(keepends=True)


def unified(live, local, live_label: str, local_label: str) -> str:
    return "".join(difflib.unified_diff(_text(live), _text(local), fromfile=live_label, tofile=local_label))


def live_service_fields(service: dict, keys) -> dict:
    """The live service, limited to the fields the file sets (ECS fills the rest with defaults).
    Service Connect settings are reported per deployment, so the primary deployment's are used."""
    live = dict(service)
    primary = next((d for d in service.get("deployments", []) if d.get("status") == "PRIMARY"), {})
    for key in ("serviceConnectConfiguration", "volumeConfigurations"):
        if key not in live and key in primary:
            live[key] = primary[key]
    return definitions.normalise_service({key: live[key] for key in keys if key in live})


def compute(ctx, args, service_config) -> list[str]:
    """The diffs, task definition first; empty when nothing differs."""
    rendered = rendering.render(ctx, args, service_config)
    # Compared as deploy would register it: images by the digest their tags point at now.
    rendered = dataclasses.replace(rendered, task_definition=release.resolve(ctx, rendered.task_definition))
    cluster = context.cluster_of(args, ctx)
    live_service = ecs.describe_service(ctx.aws.ecs, cluster, service_config.name)
    live_task_name = live_service.task_definition if live_service else rendered.task_definition["family"]
    live_task = ecs.describe_task_definition(ctx.aws.ecs, live_task_name)
    task_label = ecs.revision_name(live_task["taskDefinitionArn"]) if live_task else "(none)"
    diffs = [
        unified(definitions.normalise_task_definition(live_task) if live_task else None,
                definitions.normalise_task_definition(rendered.task_definition),
                f"live task definition {task_label}", f"local {service_config.task_definition.relative_to(ctx.root)}"),
        unified(live_service_fields(live_service.raw, rendered.service) if live_service else None,
                definitions.normalise_service(rendered.service),
                f"live service {cluster}/{service_config.name}" if live_service else "live service (none)",
                f"local {service_config.service_definition.relative_to(ctx.root)}"),
    ]
    return [d for d in diffs if d]


def run(args, ctx) -> int:
    diffs = compute(ctx, args, context.service_of(args, ctx))
    if ctx.out.is_json:
        ctx.out.json({"changed": bool(diffs), "diff": "".join(diffs)})
    for text in diffs:
        ctx.out.line(text.rstrip("\n"))
    if not diffs:
        ctx.out.line("no changes")
    return CHANGES if diffs else OK
