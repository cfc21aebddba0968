"""`run <service> -- <command...>`: a one-off task (migrations, seeds) on the service's definition and
network, waited for, exiting with the container's own exit code."""
from __future__ import annotations

from cruddur_ops import context, ecs, watch
from cruddur_ops.errors import TIMED_OUT, OpsError

HELP = "run a one-off task with the service's definition and network; exit with the container's exit code"
POLL_SECONDS = 5


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--container", help="container whose command to override (default: the main one)")
    parser.add_argument("--timeout", default="30m", help="how long to wait (default 30m)")
    parser.add_argument("command", nargs="*", help="command for the container (after --)")


def start(ctx, cluster: str, task_definition: str, network: dict | None, container: str, command: list[str],
          started_by: str = "cruddur-ops-run") -> dict:
    """RunTask on `task_definition` in `network` (a service's networkConfiguration); the task started."""
    if not network:
        raise OpsError(f"no awsvpc network configuration to run {ecs.revision_name(task_definition)} in")
    params = {
        "cluster": cluster, "taskDefinition": task_definition, "launchType": "FARGATE",
        "networkConfiguration": network, "startedBy": started_by,
    }
    if command:
        params["overrides"] = {"containerOverrides": [{"name": container, "command": command}]}
    response = ctx.aws.ecs.run_task(**params)
    if response.get("failures") or not response.get("tasks"):
        reasons = "; ".join(f"{f.get('arn', '')} {f.get('reason', '')}".strip() for f in response.get("failures", []))
        raise OpsError(f"ECS did not start the task: {reasons or 'no reason given'}")
    return response["tasks"][0]


def wait_stopped(ctx, cluster: str, task_arn: str, timeout: float, on_poll=lambda: None) -> dict:
    """Poll until the task stops (OpsError TIMED_OUT past `timeout`); `on_poll` runs on every poll."""
    started = ctx.clock()
    last_status = None
    while True:
        task = ctx.aws.ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
        on_poll()
        if task["lastStatus"] != last_status:
            last_status = task["lastStatus"]
            ctx.out.progress(f"task {ecs.task_id(task_arn)}: {last_status} "
                             f"({ecs.format_duration(ctx.clock() - started)})")
        if last_status == "STOPPED":
            return task
        if ctx.clock() - started >= timeout:
            raise OpsError(f"timed out after {ecs.format_duration(timeout)}; task {ecs.task_id(task_arn)} "
                           f"is still {last_status} (not stopped)", TIMED_OUT)
        ctx.sleep(POLL_SECONDS)


def run(args, ctx) -> int:
    service_config = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    container_name = args.container or service_config.container
    service = ecs.require_service(ctx.aws.ecs, cluster, service_config.name)
    task = start(ctx, cluster, service.task_definition, service.raw.get("networkConfiguration"), container_name,
                 args.command)
    ctx.out.progress(f"started task {ecs.task_id(task['taskArn'])} on {ecs.revision_name(service.task_definition)}")
    task = wait_stopped(ctx, cluster, task["taskArn"], ecs.parse_duration(args.timeout))
    container = ecs.container_of(task, container_name)
    code = container.get("exitCode") if container else None
    task_definition = ecs.describe_task_definition(ctx.aws.ecs, task["taskDefinitionArn"]) or {}
    for line in watch.log_tail(ctx.aws.logs, task_definition, task, container_name):
        ctx.out.line(line)
    if code is None:
        raise OpsError(f"task stopped without an exit code from {container_name}: "
                       f"{(container or {}).get('reason') or task.get('stoppedReason', 'no reason given')}")
    ctx.out.progress(f"{container_name} exited with {code}")
    return code
