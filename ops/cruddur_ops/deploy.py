"""`deploy <service>` (or `deploy --all`): the release gate and verify, register the pinned definition, run
the service's migrations on it as a one-off task, create or update the service, then wait for the truth.

Exit 0 only when the deployment we started completed and the service's primary deployment runs the task
definition we registered. Otherwise (ops/README.md lists them all): 3 rolled back (by the circuit breaker, a
deployment alarm, or by us on a crash loop or an error that will not fix itself) and settled on the revision
named, 4 timed out, 5 superseded, 6 verify failed, 8 image untrusted, 9 vulnerable, 10 unscanned (for these
four nothing changed), 7 failed fast and not rolled back, 11 migrations failed (the service untouched),
130 interrupted (after saying what state it leaves). `--dry-run` prints what would be sent and makes no
mutating call.
"""
from __future__ import annotations

import argparse

from cruddur_ops import context, definitions, ecs, register, release, rendering, run_task, scaling, verify, watch
from cruddur_ops.errors import FAILED_FAST, INTERRUPTED, MIGRATION_FAILED, OK, ROLLED_BACK, USAGE, OpsError

HELP = "verify, register, migrate and roll out a service (or --all); wait until ECS says it worked (or why not)"
DEFAULT_TIMEOUT = "15m"
MIGRATION_STARTED_BY = "cruddur-ops-migrate"


def configure(parser) -> None:
    context.add_service_argument(parser)
    parser.add_argument("--all", action="store_true",
                        help="deploy every service `release` in aws/ops.toml lists, in its order; stop at the "
                             "first failure")
    rendering.add_arguments(parser)
    add_wait_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="print the API calls it would make; change nothing")
    parser.add_argument("--skip-verify", action="store_true",
                        help="do not check secrets, roles, log groups, cluster, target groups and network first "
                             "(the release gate still runs)")
    parser.add_argument("--skip-migrations", action="store_true",
                        help="roll out without running the service's migrations first (printed as a warning)")
    parser.add_argument("--force-new-deployment", action="store_true",
                        help="roll out the task definition the service runs now again (new tasks read secrets "
                             "afresh, e.g. after parameters-put); nothing is registered or migrated")
    parser.add_argument("--on-interrupt", choices=("report", "rollback"), default="report",
                        help="on Ctrl-C: say what state the service is left in (report, the default), or roll "
                             "back to the previous definition and wait for that first (rollback)")
    release.add_arguments(parser)
    parser.add_argument("--keep", type=_count, metavar="N",
                        help="after success, deregister revisions older than the newest N that nothing uses "
                             "(default: keep_revisions in aws/ops.toml; 0 keeps all)")


def add_wait_arguments(parser) -> None:
    parser.add_argument("--timeout", default=DEFAULT_TIMEOUT, help="how long to wait (default 15m; e.g. 90s, 30m)")
    parser.add_argument("--no-rollback", action="store_true",
                        help="on a fast failure (or a crash loop), leave the failing deployment in place")
    parser.add_argument("--crash-loop", type=_positive, metavar="N",
                        help="roll back once N tasks of the new deployment stopped for the same reason "
                             "(default: crash_loop_stops in aws/ops.toml)")


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if _count(text) == 0:
        raise argparse.ArgumentTypeError("expected a whole number, 1 or more, got '0'")
    return int(text)


def update_input(cluster: str, service: dict, task_definition: str) -> dict:
    """UpdateService input from a CreateService-shaped file: only the fields UpdateService accepts."""
    allowed = set(definitions.ApiShape("ecs", "UpdateService", "Service").input_shape.members)
    fields = {key: value for key, value in service.items() if key in allowed}
    return {**fields, "cluster": cluster, "service": service["serviceName"], "taskDefinition": task_definition}


def create_input(cluster: str, service: dict, task_definition: str) -> dict:
    return {**service, "cluster": cluster, "taskDefinition": task_definition}


class DeployFailed(OpsError):
    """A rollout that did not succeed, with its report (the JSON document of the outcome)."""

    def __init__(self, message: str, exit_code: int, report: dict):
        super().__init__(message, exit_code)
        self.report = report


def services_to_deploy(args, ctx) -> list[str]:
    named = args.service_flag or args.service_name
    if args.all and named:
        raise OpsError("name one service or pass --all, not both", USAGE)
    if named:
        return [ctx.config.service(named).name]
    if args.all or ctx.config.deploy_all_by_default:
        if not ctx.config.release:
            raise OpsError("aws/ops.toml lists no services in `release`: nothing to deploy")
        return list(ctx.config.release)
    raise OpsError("name a service (" + ", ".join(sorted(ctx.config.services)) + ") or pass --all", USAGE)


def run(args, ctx) -> int:
    names = services_to_deploy(args, ctx)
    if len(names) == 1 and not args.all:
        try:
            result = deploy_one(args, ctx, ctx.config.service(names[0]))
        except DeployFailed as e:
            if ctx.out.is_json:
                ctx.out.json(e.report)
            raise
        if ctx.out.is_json and result is not None:
            ctx.out.json(result)
        return OK
    return deploy_all(args, ctx, names)


def deploy_all(args, ctx, names: list[str]) -> int:
    """Each service in turn; the first failure stops the release, which then says what did and did not go out."""
    out, done, results = ctx.out, [], []
    for number, name in enumerate(names, start=1):
        out.progress(f"== {name} ({number}/{len(names)})")
        try:
            results.append(deploy_one(args, ctx, ctx.config.service(name)))
        except OpsError as e:
            if isinstance(e, DeployFailed):
                results.append(e.report)
            left = names[number:]
            summary = (f"release stopped at {name} (exit {e.exit_code}): deployed {', '.join(done) or 'nothing'}; "
                       f"not deployed: {', '.join([name, *left])}")
            if out.is_json:
                out.json({"deployed": done, "failed": name, "notDeployed": [name, *left], "exitCode": e.exit_code,
                          "message": str(e), "services": results})
            else:
                out.line(summary)
            raise OpsError(f"{name}: {e}", e.exit_code) from None
        done.append(name)
    if out.is_json:
        out.json({"deployed": done, "failed": None, "notDeployed": [], "exitCode": OK, "services": results})
    else:
        out.line(f"release deployed: {', '.join(done)}")
    return OK


class _Stage:
    """Where a deploy is, so that an interrupt can say what it leaves behind."""

    def __init__(self, service_name: str):
        self.service_name = service_name
        self.registered: str | None = None
        self.migration_task: str | None = None
        self.deployment: str | None = None
        self.previous: str | None = None


def deploy_one(args, ctx, service_config) -> dict | None:
    """Deploy one service; its report (for JSON output), or None for a dry run. OpsError on failure."""
    stage = _Stage(service_config.name)
    try:
        return _deploy(args, ctx, service_config, stage)
    except KeyboardInterrupt:
        raise OpsError(interrupted(args, ctx, context.cluster_of(args, ctx), stage), INTERRUPTED) from None


def _deploy(args, ctx, service_config, stage: _Stage) -> dict | None:
    cluster = context.cluster_of(args, ctx)
    timeout = ecs.parse_duration(args.timeout)
    out = ctx.out
    if args.force_new_deployment:
        return _force_new_deployment(args, ctx, cluster, service_config, stage, timeout)
    rendered = rendering.render(ctx, args, service_config)
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
    update = update_input(cluster, rendered.service, "")
    if live is not None:
        target = scaling.scalable_target(ctx.aws.client("application-autoscaling"), cluster, service_config.name)
        if target and update.pop("desiredCount", None) is not None:
            out.progress(f"desiredCount: left to autoscaling ({target['MinCapacity']}–{target['MaxCapacity']} tasks, "
                         f"{live.desired} desired now); the service file's count applies only on create")
    if args.dry_run:
        return _dry_run(ctx, cluster, service_config, rendered, live, args, update)

    registered = register.register(ctx.aws.ecs, rendered.task_definition, _ProgressOut(out))
    stage.registered = registered.arn
    stage.previous = live.known_good.task_definition if live and live.known_good else None
    migrate(args, ctx, cluster, service_config, rendered, registered.arn, live, stage)
    if live is None:
        out.progress(f"creating service {service_config.name} in cluster {cluster}")
        started = ctx.aws.ecs.create_service(**create_input(cluster, rendered.service, registered.arn))["service"]
        seen: set[str] = set()
    else:
        out.progress(f"updating service {service_config.name}: "
                     f"{ecs.revision_name(live.running_task_definition)} -> {ecs.revision_name(registered.arn)}")
        seen = live.event_ids
        started = ctx.aws.ecs.update_service(**{**update, "taskDefinition": registered.arn})["service"]
    result = watch_deployment(ctx, args, cluster, service_config.name, ecs.Service(started), registered.arn,
                              rendered.task_definition, seen, stage.previous, timeout, stage)
    if rendered.scaling:
        scaling.apply(ctx, cluster, rendered.service, rendered.scaling)
    keep = ctx.config.keep_revisions if args.keep is None else args.keep
    ecs.keep_newest(ctx.aws.ecs, cluster, rendered.task_definition["family"], keep, out)
    return result


def _force_new_deployment(args, ctx, cluster, service_config, stage: _Stage, timeout) -> dict | None:
    live = ecs.describe_service(ctx.aws.ecs, cluster, service_config.name)
    if live is None:
        raise OpsError(f"--force-new-deployment: service {service_config.name} does not exist in cluster {cluster} "
                       "yet; deploy it without the flag first")
    running = live.running_task_definition
    request = {"cluster": cluster, "service": service_config.name, "taskDefinition": running,
               "forceNewDeployment": True}
    if args.dry_run:
        ctx.out.progress("dry run: nothing was changed; this call would be made")
        ctx.out.json({"updateService": request})
        return None
    ctx.out.progress(f"rolling {service_config.name} again on {ecs.revision_name(running)} (--force-new-deployment: "
                     "new tasks read secrets and parameters afresh)")
    seen = live.event_ids
    started = ctx.aws.ecs.update_service(**request)["service"]
    stage.previous = live.known_good.task_definition if live.known_good else None
    task_definition = ecs.describe_task_definition(ctx.aws.ecs, running) or {}
    return watch_deployment(ctx, args, cluster, service_config.name, ecs.Service(started), running, task_definition,
                            seen, stage.previous, timeout, stage)


def migrate(args, ctx, cluster, service_config, rendered, task_definition_arn, live, stage: _Stage) -> None:
    """Run the service's migrations as a one-off task on the definition about to roll out (its network, roles
    and secrets), streaming its log lines; OpsError MIGRATION_FAILED (the service untouched) unless it exits 0."""
    command = list(service_config.migrate)
    if not command:
        return
    out, revision = ctx.out, ecs.revision_name(task_definition_arn)
    if args.skip_migrations:
        out.warn(f"--skip-migrations: {service_config.name} rolls out {revision} without running "
                 f"`{' '.join(command)}`; if a migration is pending, the new version meets the old schema")
        return
    container = service_config.container
    task = run_task.start(ctx, cluster, task_definition_arn, rendered.service.get("networkConfiguration"), container,
                          command, started_by=MIGRATION_STARTED_BY)
    stage.migration_task = task["taskArn"]
    out.progress(f"migrations: `{' '.join(command)}` on {revision} (task {ecs.task_id(task['taskArn'])})")
    follower = watch.LogFollower(ctx.aws.logs, rendered.task_definition, task, container)

    def stream() -> None:
        for line in follower.new_lines():
            out.progress(f"  | {line}")

    task = run_task.wait_stopped(ctx, cluster, task["taskArn"], ecs.parse_duration(args.timeout), on_poll=stream)
    stream()  # what the container wrote after the last poll
    stage.migration_task = None
    exited = ecs.container_of(task, container) or {}
    code = exited.get("exitCode")
    if code == 0:
        out.progress(f"migrations: done on {revision} (exit 0)")
        return
    how = f"exited with {code}" if code is not None else \
        f"stopped without an exit code ({exited.get('reason') or task.get('stoppedReason', 'no reason given')})"
    untouched = f"still {ecs.revision_name(live.running_task_definition)}" if live else "not created"
    if not out.is_json:
        out.line("why:")
        out.line(f"  migration task {ecs.task_id(task['taskArn'])} {how}; its last log lines:")
        for line in watch.log_tail(ctx.aws.logs, rendered.task_definition, task, container):
            out.line(f"    | {line}")
    raise OpsError(f"migrations failed on {revision}: `{' '.join(command)}` {how}; {service_config.name} was not "
                   f"changed ({untouched})", MIGRATION_FAILED)


def watch_deployment(ctx, args, cluster, service_name, started: ecs.Service, task_definition_arn, task_definition,
                     seen_events, previous, timeout, stage: _Stage | None = None) -> dict:
    """Wait for the deployment `started` made for `task_definition_arn`; report. On a rollback (ECS's or ours)
    wait for it to settle and name the revision the service returned to. OpsError unless it succeeded."""
    ours = started.primary
    if ours is None or ours.task_definition != task_definition_arn:
        raise OpsError(f"ECS did not start a deployment of {ecs.revision_name(task_definition_arn)} "
                       f"for {service_name}")
    if stage is not None:
        stage.deployment = ours.id
    ctx.out.progress(f"waiting for deployment {ours.id} (timeout {ecs.format_duration(timeout)})")
    crash_loop = getattr(args, "crash_loop", None) or ctx.config.crash_loop_stops
    waiting = watch.Watch(ctx, cluster, service_name, ours.id, task_definition_arn, task_definition,
                          set(seen_events), timeout, crash_loop=crash_loop)
    outcome = waiting.run()
    rolled_back_to = None
    if outcome.code == FAILED_FAST:
        if args.no_rollback or not previous:
            outcome.explanation.append("not rolled back (--no-rollback)" if previous
                                       else "no earlier deployment to roll back to")
        else:
            ctx.out.progress(f"rolling back {service_name} to {ecs.revision_name(previous)}")
            ctx.aws.ecs.update_service(cluster=cluster, service=service_name, taskDefinition=previous)
            rolled_back_to = settle(ctx, cluster, service_name, waiting.seen_events, timeout, outcome)
            outcome.code = ROLLED_BACK if rolled_back_to else FAILED_FAST
    elif outcome.code == ROLLED_BACK:
        rolled_back_to = settle(ctx, cluster, service_name, waiting.seen_events, timeout, outcome)
    if stage is not None:
        stage.deployment = None
    result = report(ctx.out, service_name, cluster, task_definition_arn, ours.id, outcome, rolled_back_to)
    if outcome.code != OK:
        raise DeployFailed(outcome.message, outcome.code, result)
    return result


def settle(ctx, cluster: str, service_name: str, seen_events: set[str], timeout: float, outcome) -> str | None:
    """Wait for the rollback deployment (the service's primary now) to complete; the revision it runs, or None
    (with a line in the outcome's explanation) when it did not settle."""
    service = ecs.require_service(ctx.aws.ecs, cluster, service_name)
    back = service.primary
    if back is None:
        outcome.explanation.append("the rollback did not start: the service has no primary deployment")
        return None
    ctx.out.progress(f"waiting for the rollback to {ecs.revision_name(back.task_definition)} "
                     f"(deployment {back.id}) to settle")
    task_definition = ecs.describe_task_definition(ctx.aws.ecs, back.task_definition) or {}
    settled = watch.Watch(ctx, cluster, service_name, back.id, back.task_definition, task_definition,
                          seen_events, timeout, fail_fast=False, stage=outcome.stage).run()
    outcome.events += settled.events
    if settled.code != OK:
        outcome.explanation.append(f"the rollback to {ecs.revision_name(back.task_definition)} did not settle: "
                                   f"{settled.message}")
        return None
    return back.task_definition


def report(out, service_name, cluster, arn, deployment_id, outcome, rolled_back_to) -> dict:
    """Print the outcome (text) and return it as the JSON document."""
    if rolled_back_to:
        outcome.message += f"; rolled back: {service_name} returned to {ecs.revision_name(rolled_back_to)}"
    document = {"service": service_name, "cluster": cluster, "taskDefinitionArn": arn,
                "deploymentId": deployment_id, "exitCode": outcome.code, "message": outcome.message,
                "elapsedSeconds": outcome.elapsed, "events": outcome.events, "why": outcome.explanation,
                "rolledBackTo": rolled_back_to}
    if out.is_json:
        return document
    if outcome.code == OK:
        out.line(f"deployed: {outcome.message} ({ecs.format_duration(outcome.elapsed)})")
        return document
    out.line("why:")
    for line in outcome.explanation or ["ECS gave no reason (no stopped tasks, no unhealthy targets)"]:
        out.line(f"  {line}")
    return document


def interrupted(args, ctx, cluster: str, stage: _Stage) -> str:
    """Say what an interrupted deploy leaves behind (and, with --on-interrupt rollback, undo the rollout
    first); the message to exit with."""
    out, name = ctx.out, stage.service_name
    if stage.migration_task:
        return (f"interrupted while migrations ran: task {ecs.task_id(stage.migration_task)} carries on without "
                f"us (each migration commits on its own); {name} was not changed. Follow it with: logs {name}")
    if stage.deployment is None:
        done = f"registered {ecs.revision_name(stage.registered)}; " if stage.registered else ""
        return f"interrupted before the rollout: {done}{name} was not changed"
    service = ecs.describe_service(ctx.aws.ecs, cluster, name)
    ours = service.deployment(stage.deployment) if service else None
    state = (f"deployment {stage.deployment} of {ecs.revision_name(ours.task_definition)} is {ours.rollout_state} "
             f"({ours.running}/{ours.desired} tasks running)") if ours else f"deployment {stage.deployment} is gone"
    back_to = ecs.revision_name(stage.previous) if stage.previous else "nothing (no earlier deployment)"
    if args.on_interrupt != "rollback" or not stage.previous or ours is None or ours.has_completed:
        return (f"interrupted: {state}. ECS carries on without us: it completes the deployment, or its circuit "
                f"breaker rolls it back to {back_to} if its tasks keep failing. Follow with: status {name}; "
                f"undo with: rollback {name}")
    out.progress(f"interrupted: {state}; rolling back to {back_to} (--on-interrupt rollback)")
    ctx.aws.ecs.update_service(cluster=cluster, service=name, taskDefinition=stage.previous)
    outcome = watch.Outcome(INTERRUPTED, "")
    try:
        returned = settle(ctx, cluster, name, service.event_ids,
                          ecs.parse_duration(args.timeout), outcome)
    except KeyboardInterrupt:
        return f"interrupted twice: the rollback of {name} to {back_to} goes on without us. Follow with: status {name}"
    if returned:
        return f"interrupted, and rolled back: {name} returned to {ecs.revision_name(returned)}"
    return f"interrupted; the rollback to {back_to} did not settle: " + "; ".join(outcome.explanation)


def _dry_run(ctx, cluster, service_config, rendered, live, args, update: dict) -> None:
    family = rendered.task_definition["family"]
    latest = ecs.describe_task_definition(ctx.aws.ecs, family)
    unchanged = latest and definitions.normalise_task_definition(latest) == \
        definitions.normalise_task_definition(rendered.task_definition)
    plan = {"registerTaskDefinition": None if unchanged else rendered.task_definition}
    target = latest["taskDefinitionArn"] if unchanged else family
    if service_config.migrate and not args.skip_migrations:
        plan["runTask"] = {"cluster": cluster, "taskDefinition": target, "launchType": "FARGATE",
                           "networkConfiguration": rendered.service.get("networkConfiguration"),
                           "startedBy": MIGRATION_STARTED_BY, "overrides": {"containerOverrides": [
                               {"name": service_config.container, "command": list(service_config.migrate)}]}}
    if live is None:
        plan["createService"] = create_input(cluster, rendered.service, target)
    else:
        plan["updateService"] = {**update, "taskDefinition": target}
    ctx.out.progress("dry run: nothing was changed; these calls would be made")
    ctx.out.json(plan)
    return None


class _ProgressOut:
    """register's lines are steps of the deploy: keep them off stdout when it carries JSON."""

    def __init__(self, out):
        self.line = out.progress

