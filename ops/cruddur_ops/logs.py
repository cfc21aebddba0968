"""`logs <service>`: the service's CloudWatch log lines since a moment, optionally followed."""
from __future__ import annotations

from datetime import datetime, timezone

from cruddur_ops import context, definitions, ecs
from cruddur_ops.errors import OpsError

HELP = "print a service's log lines (--since 10m by default; --follow to keep printing)"
FOLLOW_POLL_SECONDS = 2


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--since", default="10m", help="how far back to start (e.g. 30s, 10m, 2h, 1d)")
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new lines until interrupted")
    parser.add_argument("--container", help="only this container's streams")


def log_source(service_config, container: str | None, environment: str) -> tuple[str, str]:
    """(log group, stream prefix) from the service's task definition file: the awslogs settings name no
    placeholder but the environment's, so they are filled without a rendering's AWS calls."""
    task_definition = definitions.load_template(service_config.task_definition)
    containers = task_definition.get("containerDefinitions", [])
    chosen = next((c for c in containers if c["name"] == (container or service_config.container)), None)
    if chosen is None:
        raise OpsError(f"no container {container!r} in {service_config.task_definition.name}")
    options = chosen.get("logConfiguration", {}).get("options", {})
    if "awslogs-group" not in options:
        raise OpsError(f"container {chosen['name']} does not log through awslogs")
    options = definitions.fill({key: options[key] for key in ("awslogs-group", "awslogs-stream-prefix")},
                               definitions.Variables(flags={"CRUDDUR_ENVIRONMENT": environment}),
                               service_config.task_definition.name)
    prefix = f"{options['awslogs-stream-prefix']}/{chosen['name']}/" if container else ""
    return options["awslogs-group"], prefix


def _line(event) -> str:
    when = datetime.fromtimestamp(event["timestamp"] / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    task = event["logStreamName"].rsplit("/", 1)[-1]
    return f"{when}Z {task[:12]} {event['message'].rstrip()}"


def fetch(logs, group: str, prefix: str, start_ms: int) -> list[dict]:
    params = {"logGroupName": group, "startTime": start_ms, "interleaved": True}
    if prefix:
        params["logStreamNamePrefix"] = prefix
    events = []
    while True:
        page = logs.filter_log_events(**params)
        events += page.get("events", [])
        if not page.get("nextToken") or not page.get("events"):
            return events
        params["nextToken"] = page["nextToken"]


def run(args, ctx) -> int:
    group, prefix = log_source(context.service_of(args, ctx), args.container, ctx.config.environment.name)
    start_ms = int((ctx.now().timestamp() - ecs.parse_duration(args.since)) * 1000)
    seen: set[str] = set()
    try:
        while True:
            for event in sorted(fetch(ctx.aws.logs, group, prefix, start_ms), key=lambda e: e["timestamp"]):
                if event["eventId"] not in seen:
                    seen.add(event["eventId"])
                    start_ms = max(start_ms, event["timestamp"])
                    ctx.out.line(_line(event))
            if not args.follow:
                return 0
            ctx.sleep(FOLLOW_POLL_SECONDS)
    except KeyboardInterrupt:
        return 0
