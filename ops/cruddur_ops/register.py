"""`register <service>`: pass the release gate, then register the task definition with its images pinned by
digest, unless the latest revision is the same."""
from __future__ import annotations

from dataclasses import dataclass

from cruddur_ops import context, definitions, ecs, release, rendering, verify

HELP = "register a service's task definition (skipped when identical to the latest revision)"


def configure(parser) -> None:
    context.add_service_argument(parser)
    rendering.add_arguments(parser)
    release.add_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="print what would be registered; change nothing")


@dataclass
class Registered:
    arn: str
    changed: bool


def register(ecs_client, task_definition: dict, out) -> Registered:
    latest = ecs.describe_task_definition(ecs_client, task_definition["family"])
    normalise = definitions.normalise_task_definition
    if latest and normalise(latest) == normalise(task_definition):
        out.line(f"unchanged: {ecs.revision_name(latest['taskDefinitionArn'])} already holds this definition")
        return Registered(latest["taskDefinitionArn"], changed=False)
    arn = ecs_client.register_task_definition(**task_definition)["taskDefinition"]["taskDefinitionArn"]
    out.line(f"registered {ecs.revision_name(arn)}")
    return Registered(arn, changed=True)


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    rendered, made, code = verify.preflight(ctx, args, cluster, rendering.render(ctx, args, service),
                                            infrastructure=False)
    if code:
        verify.refuse(ctx.out, service.name, cluster, made, code)
    if args.dry_run:
        return ctx.out.json(rendered.task_definition)
    registered = register(ctx.aws.ecs, rendered.task_definition, ctx.out)
    if ctx.out.is_json:
        ctx.out.json({"taskDefinitionArn": registered.arn, "changed": registered.changed})
    return 0
