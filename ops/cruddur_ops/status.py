"""`status <service>`: what the service runs now (its images by digest, with their commit tags), its
deployments and its latest events."""
from __future__ import annotations

from datetime import datetime

from cruddur_ops import context, ecs, release
from cruddur_ops.output import table

HELP = "show a service's task definition, task counts, deployments and recent events"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--events", type=int, default=5, help="how many recent events to show (default 5)")


def run(args, ctx) -> int:
    service_config = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    service = ecs.require_service(ctx.aws.ecs, cluster, service_config.name)
    events = service.events[-args.events:] if args.events > 0 else []
    definition = ecs.describe_task_definition(ctx.aws.ecs, service.task_definition) or {}
    running = [(c["name"], c["image"], c.get("dockerLabels", {}).get(release.TAG_LABEL))
               for c in definition.get("containerDefinitions", [])]
    if ctx.out.is_json:
        return ctx.out.json({
            "service": service.name, "cluster": cluster, "taskDefinition": service.task_definition,
            "images": [{"container": name, "image": image, "tag": tag} for name, image, tag in running],
            "desiredCount": service.desired, "runningCount": service.running, "pendingCount": service.pending,
            "deployments": [d.raw for d in service.deployments], "events": events})
    out = ctx.out
    out.line(f"{service.name} (cluster {cluster}): {ecs.revision_name(service.task_definition)}, "
             f"desired {service.desired}, running {service.running}, pending {service.pending}")
    for name, image, tag in running:
        out.line(f"image {name}: {image}" + (f" (tag {tag})" if tag else ""))
    rows = [[d.raw.get("status", ""), d.id, ecs.revision_name(d.task_definition), d.rollout_state, str(d.desired),
             str(d.running), str(d.pending), str(d.failed_tasks)] for d in service.deployments]
    for line in table(rows, ["STATUS", "DEPLOYMENT", "TASK DEFINITION", "ROLLOUT", "DESIRED", "RUNNING",
                             "PENDING", "FAILED"]):
        out.line(line)
    if events:
        out.line("events:")
    for event in events:
        when = event["createdAt"]
        out.line(f"  {when.strftime('%Y-%m-%dT%H:%M:%SZ') if isinstance(when, datetime) else when} "
                 f"{event['message']}")
    return 0
