"""`deploy <service>`: the release gate and verify, register the pinned definition, create or update the
service, then wait for the truth.

Exit 0 only when the deployment we started completed and the service's primary deployment runs the task
definition we registered. Otherwise: 3 rolled back by the circuit breaker, 4 timed out, 5 superseded,
6 verify failed, 8 image untrusted, 9 vulnerable, 10 unscanned (for these four nothing changed), 7 failed
fast (and rolled back to the previous definition unless --no-rollback). `--dry-run` prints what would be
sent and makes no mutating call.
"""
from __future__ import annotations

import argparse

from cruddur_ops import context, definitions, ecs, register, release, rendering, verify, watch
from cruddur_ops.errors import FAILED_FAST, OK, OpsError

HELP = "verify, register and roll out a service; wait until ECS says it worked (or why it did not)"
DEFAULT_TIMEOUT = "15m"


def configure(parser) -> None:
    context.add_service_argument(parser)
    rendering.add_arguments(parser)
    add_wait_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="print the API calls it would make; change nothing")
    parser.add_argument("--skip-verify", action="store_true",
                        help="do not check secrets, roles, log groups, cluster, target groups and network first "
                             "(the release gate still runs)")
    release.add_arguments(parser)
    parser.add_argument("--keep", type=_count, metavar="N",
                        help="after success, deregister revisions older than the newest N that nothing uses "
                             "(default: keep_revisions in aws/ops.toml; 0 keeps all)")


def add_wait_arguments(parser) -> None:
    parser.add_argument("--timeout", default=DEFAULT_TIMEOUT, help="how long to wait (default 15m; e.g. 90s, 30m)")
    parser.add_argument("--no-rollback", action="store_true",
                        help="on a fast failure, leave the failing deployment in place")


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {text!r}")
    return int(text)


def update_input(cluster: str, service: dict, task_definition: str) -> dict:
    """UpdateService input from a CreateService-shaped file: only the fields UpdateService accepts."""
    allowed = set(definitions.ApiShape("ecs", "UpdateService", "Service").input_shape.members)
    fields = {key: value for key, value in service.items() if key in allowed}
    return {**fields, "cluster": cluster, "service": service["serviceName"], "taskDefinition": task_definition}


def create_input(cluster: str, service: dict, task_definition: str) -> dict:
    return {**service, "cluster": cluster, "taskDefinition": task_definition}


def run(args, ctx) -> int:
    service_config = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    timeout = ecs.parse_duration(args.timeout)
    rendered = rendering.render(ctx, args, service_config)
    out = ctx.out

    rendered, made, code = verify.preflight(ctx, args, cluster, rendered, infrastructure=not args.skip_verify)
    if code:
        verify.refuse(out, service_config.name, cluster, made, code)
    if args.skip_verify:
        out.warn("--skip-verify: secrets, roles, log groups, cluster, target groups and network were not checked "
                 "(the release gate was)")
    skipped = sum(c.status == "SKIP" for c in made)
    out.progress(f"verify: {len(made)} checks passed" + (f" ({skipped} skipped)" if skipped else ""))
    for container in rendered.task_definition["containerDefinitions"]:
        out.progress(f"image {container['name']}: {container['image']} "
                     f"(tag {container['dockerLabels'][release.TAG_LABEL]})")

    live = ecs.describe_service(ctx.aws.ecs, cluster, service_config.name)
    if args.dry_run:
        return _dry_run(ctx, cluster, rendered, live)

    registered = register.register(ctx.aws.ecs, rendered.task_definition, _ProgressOut(out))
    previous = live.known_good.task_definition if live and live.known_good else None
    if live is None:
        out.progress(f"creating service {service_config.name} in cluster {cluster}")
        started = ctx.aws.ecs.create_service(**create_input(cluster, rendered.service, registered.arn))["service"]
        seen: set[str] = set()
    else:
        running = live.primary.task_definition if live.primary else live.task_definition
        out.progress(f"updating service {service_config.name}: {ecs.revision_name(running)} -> "
                     f"{ecs.revision_name(registered.arn)}")
        seen = {event["id"] for event in live.raw.get("events", [])}
        started = ctx.aws.ecs.update_service(**update_input(cluster, rendered.service, registered.arn))["service"]
    code = watch_deployment(ctx, args, cluster, service_config.name, ecs.Service(started), registered.arn,
                            rendered.task_definition, seen, previous, timeout)
    keep = ctx.config.keep_revisions if args.keep is None else args.keep
    ecs.keep_newest(ctx.aws.ecs, cluster, rendered.task_definition["family"], keep, out)
    return code


def watch_deployment(ctx, args, cluster, service_name, started: ecs.Service, task_definition_arn, task_definition,
                     seen_events, previous, timeout) -> int:
    """Wait for the deployment `started` made for `task_definition_arn`; report; return the exit code."""
    ours = started.primary
    if ours is None or ours.task_definition != task_definition_arn:
        raise OpsError(f"ECS did not start a deployment of {ecs.revision_name(task_definition_arn)} "
                       f"for {service_name}")
    ctx.out.progress(f"waiting for deployment {ours.id} (timeout {ecs.format_duration(timeout)})")
    outcome = watch.Watch(ctx, cluster, service_name, ours.id, task_definition_arn, task_definition,
                          set(seen_events), timeout).run()
    rolled_back_to = None
    if outcome.code == FAILED_FAST and not args.no_rollback and previous:
        ctx.aws.ecs.update_service(cluster=cluster, service=service_name, taskDefinition=previous)
        rolled_back_to = previous
    report(ctx.out, service_name, cluster, task_definition_arn, ours.id, outcome, rolled_back_to, previous)
    if outcome.code != OK:
        raise OpsError(outcome.message, outcome.code)
    return OK


def report(out, service_name, cluster, arn, deployment_id, outcome, rolled_back_to, previous) -> None:
    if outcome.code == FAILED_FAST:
        if rolled_back_to:
            outcome.explanation.append(f"rolled back: {service_name} is returning to "
                                       f"{ecs.revision_name(rolled_back_to)} (follow with: status {service_name})")
        elif previous:
            outcome.explanation.append("not rolled back (--no-rollback)")
        else:
            outcome.explanation.append("no earlier deployment to roll back to")
    if out.is_json:
        out.json({"service": service_name, "cluster": cluster, "taskDefinitionArn": arn,
                  "deploymentId": deployment_id, "exitCode": outcome.code, "message": outcome.message,
                  "elapsedSeconds": outcome.elapsed, "events": outcome.events, "why": outcome.explanation,
                  "rolledBackTo": rolled_back_to})
        return
    if outcome.code == OK:
        out.line(f"deployed: {outcome.message} ({ecs.format_duration(outcome.elapsed)})")
        return
    out.line("why:")
    for line in outcome.explanation or ["ECS gave no reason (no stopped tasks, no unhealthy targets)"]:
        out.line(f"  {line}")


def _dry_run(ctx, cluster, rendered, live) -> int:
    family = rendered.task_definition["family"]
    latest = ecs.describe_task_definition(ctx.aws.ecs, family)
    unchanged = latest and definitions.normalise_task_definition(latest) == \
        definitions.normalise_task_definition(rendered.task_definition)
    plan = {"registerTaskDefinition": None if unchanged else rendered.task_definition}
    target = latest["taskDefinitionArn"] if unchanged else family
    if live is None:
        plan["createService"] = create_input(cluster, rendered.service, target)
    else:
        plan["updateService"] = update_input(cluster, rendered.service, target)
    ctx.out.progress("dry run: nothing was changed; these calls would be made")
    ctx.out.json(plan)
    return OK


class _ProgressOut:
    """register's lines are steps of the deploy: keep them off stdout when it carries JSON."""

    def __init__(self, out):
        self.line = out.progress
