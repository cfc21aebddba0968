"""`rollback <service>`: return the service to the task definition of its last successful deployment.

"Last successful" comes from ECS's own deployment history (ListServiceDeployments): the newest
SUCCESSFUL deployment whose task definition is neither the one running now nor one that failed since.
With --deregister the definition rolled away from is deregistered, but only when nothing uses it.
"""
from __future__ import annotations

from cruddur_ops import context, deploy, ecs
from cruddur_ops.errors import OK, OpsError

HELP = "roll a service back to its last successful deployment's task definition and wait"
FAILED_STATES = {"FAILED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED",
                 "STOPPED", "STOP_REQUESTED"}


def configure(parser) -> None:
    context.add_service_argument(parser)
    deploy.add_wait_arguments(parser)
    parser.add_argument("--deregister", action="store_true",
                        help="deregister the definition rolled away from, unless something still uses it")
    parser.add_argument("--dry-run", action="store_true", help="name the target; change nothing")


def _task_definitions_of(ecs_client, cluster: str, service_arn: str) -> list[tuple[str, str]]:
    """(status, task definition) per deployment in the service's history, newest first."""
    history = ecs.every(ecs_client, "list_service_deployments", "serviceDeployments", cluster=cluster,
                        service=service_arn)
    history = sorted(history, key=lambda d: d["createdAt"], reverse=True)
    revisions = [d["targetServiceRevisionArn"] for d in history if d.get("targetServiceRevisionArn")]
    by_revision = {}
    for start in range(0, len(revisions), 20):
        for revision in ecs_client.describe_service_revisions(
                serviceRevisionArns=revisions[start:start + 20])["serviceRevisions"]:
            by_revision[revision["serviceRevisionArn"]] = revision["taskDefinition"]
    return [(d["status"], by_revision[d["targetServiceRevisionArn"]]) for d in history
            if d.get("targetServiceRevisionArn") in by_revision]


def target(ecs_client, cluster: str, service: ecs.Service) -> str:
    current = service.running_task_definition
    avoid = {current}
    for status, task_definition in _task_definitions_of(ecs_client, cluster, service.raw["serviceArn"]):
        if status == "SUCCESSFUL" and task_definition not in avoid:
            return task_definition
        if status in FAILED_STATES:
            avoid.add(task_definition)
    raise OpsError(f"no earlier successful deployment of {service.name} to roll back to "
                   f"(running {ecs.revision_name(current)})")


def run(args, ctx) -> int:
    service_config = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    client = ctx.aws.ecs
    service = ecs.require_service(client, cluster, service_config.name)
    current = service.running_task_definition
    destination = target(client, cluster, service)
    ctx.out.progress(f"rolling back {service_config.name}: {ecs.revision_name(current)} -> "
                     f"{ecs.revision_name(destination)} (last successful deployment)")
    if args.dry_run:
        return ctx.out.json({"updateService": {"cluster": cluster, "service": service_config.name,
                                               "taskDefinition": destination}})
    seen = service.event_ids
    started = client.update_service(cluster=cluster, service=service_config.name, taskDefinition=destination)
    task_definition = ecs.describe_task_definition(client, destination) or {}
    try:
        result = deploy.watch_deployment(ctx, args, cluster, service_config.name, ecs.Service(started["service"]),
                                         destination, task_definition, seen, None, ecs.parse_duration(args.timeout))
    except deploy.DeployFailed as e:
        if ctx.out.is_json:
            ctx.out.json(e.report)
        raise
    if ctx.out.is_json:
        ctx.out.json(result)
    if args.deregister:
        ecs.retire(client, cluster, current, ctx.out)
    return OK
