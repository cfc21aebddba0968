"""`connect <service>`: a shell in a running task through ECS Exec, after checking what usually breaks it:
the session-manager plugin missing, exec off on the service, the exec agent not running in the task."""
from __future__ import annotations

import json

from cruddur_ops import context, ecs
from cruddur_ops.errors import OpsError

HELP = "open a shell (or run --command) in a running task of a service through ECS Exec"
PLUGIN = "session-manager-plugin"
PLUGIN_HELP = ("https://docs.aws.amazon.com/systems-manager/latest/userguide/"
               "session-manager-working-with-install-plugin.html")


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--task", help="task id (default: the first running task)")
    parser.add_argument("--container", help="container (default: the service's main container)")
    parser.add_argument("--command", default="/bin/bash", help="what to run (default /bin/bash)")


def pick_task(ecs_client, cluster: str, service: str, task_id: str | None) -> dict:
    arns = ecs_client.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")["taskArns"]
    if task_id:
        arns = [arn for arn in arns if ecs.task_id(arn) == task_id]
    if not arns:
        raise OpsError(f"no running task {task_id + ' ' if task_id else ''}in service {service}")
    return ecs_client.describe_tasks(cluster=cluster, tasks=arns[:1])["tasks"][0]


def preflight(ctx, cluster: str, service_name: str, task_id: str | None, container_name: str) -> tuple[dict, dict]:
    """The task and container to exec into, or a one-line reason why exec cannot work."""
    if not ctx.which(PLUGIN):
        raise OpsError(f"{PLUGIN} is not installed (ECS Exec needs it on this machine): {PLUGIN_HELP}")
    service = ecs.require_service(ctx.aws.ecs, cluster, service_name)
    if not service.raw.get("enableExecuteCommand"):
        raise OpsError(f"ECS Exec is off for service {service_name}: set enableExecuteCommand in "
                       f"aws/json/service-{service_name}.json and deploy")
    task = pick_task(ctx.aws.ecs, cluster, service_name, task_id)
    if not task.get("enableExecuteCommand"):
        raise OpsError(f"task {ecs.task_id(task['taskArn'])} started before ECS Exec was enabled; "
                       f"deploy again to replace it")
    container = ecs.container_of(task, container_name)
    if container is None:
        raise OpsError(f"task {ecs.task_id(task['taskArn'])} has no container {container_name}")
    agent = next((a for a in container.get("managedAgents", []) if a.get("name") == "ExecuteCommandAgent"), {})
    if agent.get("lastStatus") != "RUNNING":
        raise OpsError(f"the ECS Exec agent in {container_name} is {agent.get('lastStatus', 'missing')}"
                       + (f": {agent['reason']}" if agent.get("reason") else "")
                       + " (the task role needs ssmmessages:* permissions)")
    return task, container


def run(args, ctx) -> int:
    service_config = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    container_name = args.container or service_config.container
    task, container = preflight(ctx, cluster, service_config.name, args.task, container_name)
    response = ctx.aws.ecs.execute_command(cluster=cluster, task=task["taskArn"], container=container_name,
                                           interactive=True, command=args.command)
    target = f"ecs:{cluster}_{ecs.task_id(task['taskArn'])}_{container['runtimeId']}"
    endpoint = ctx.aws.endpoint_url or f"https://ecs.{ctx.config.region}.amazonaws.com"
    # The plugin's positional protocol, as the AWS CLI calls it for `aws ecs execute-command`.
    argv = [PLUGIN, json.dumps(response["session"]), ctx.config.region, "StartSession", "",
            json.dumps({"Target": target}), endpoint]
    return ctx.subprocess_run(argv).returncode
