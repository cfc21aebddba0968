"""Waiting for one ECS deployment and telling the truth about how it ended.

Used by deploy and rollback. The wait is ours (default 15 minutes, no SDK waiter cap), with an injected
clock and sleeper. While waiting it prints each new service event once and a progress line at least every
15 seconds (a redrawn table on a terminal). It stops early (fail fast) on a stop reason no retry will fix
and on a crash loop: `crash_loop` tasks of the deployment stopped for the same reason. When the deployment
fails it explains why: the deployment alarms in ALARM with their state reasons, stopped tasks' reasons,
each container's exit code and reason, the last log lines of failing containers, and the reasons of
unhealthy targets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from botocore.exceptions import ClientError

from cruddur_ops import ecs
from cruddur_ops.errors import FAILED_FAST, OK, ROLLED_BACK, SUPERSEDED, TIMED_OUT
from cruddur_ops.output import table

POLL_SECONDS = 5
# What each stage of an ECS blue/green deployment means for traffic, printed as it is reached.
STAGES = {
    "RECONCILE_SERVICE": "reconciling the service's revisions",
    "PRE_SCALE_UP": "the old version serves all traffic; the new one has not started",
    "SCALE_UP": "starting the new version's tasks",
    "POST_SCALE_UP": "the new version runs, without traffic",
    "TEST_TRAFFIC_SHIFT": "moving test traffic to the new version",
    "POST_TEST_TRAFFIC_SHIFT": "test traffic on the new version: the smoke-test hook runs",
    "PRODUCTION_TRAFFIC_SHIFT": "moving production traffic to the new version",
    "POST_PRODUCTION_TRAFFIC_SHIFT": "production traffic on the new version",
    "BAKE_TIME": "both versions up; the old one is kept for an instant rollback",
    "CLEAN_UP": "stopping the old version",
}
PROGRESS_EVERY = 15
LOG_LINES = 20
# Stop reasons that no retry will fix: waiting for the circuit breaker only wastes the operator's time.
UNFIXABLE = [
    (re.compile(r"CannotPullContainerError.*(not found|manifest unknown|does not exist|repository .* not exist)",
                re.IGNORECASE), "image not found"),
    (re.compile(r"ResourceInitializationError.*(secret|ssm|parameter)", re.IGNORECASE), "secrets unreadable"),
    (re.compile(r"AccessDeniedException.*(ssm|secretsmanager|kms)", re.IGNORECASE), "secrets unreadable"),
]


@dataclass
class Outcome:
    code: int
    message: str
    explanation: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    stage: str | None = None  # the blue/green lifecycle stage last shown


@dataclass
class Watch:
    """One wait. `seen_events` are the service's event ids from before our change (never reprinted)."""

    ctx: object
    cluster: str
    service_name: str
    deployment_id: str
    task_definition_arn: str
    task_definition: dict
    seen_events: set[str]
    timeout: float
    fail_fast: bool = True
    crash_loop: int = 3
    stage: str | None = None  # a blue/green stage already shown (a rollback's watch goes on from it)

    def __post_init__(self):
        self.out = self.ctx.out
        self.events: list[str] = []
        self.inspected_tasks: set[str] = set()
        self.stops_by_reason: dict[str, int] = {}

    # --- output -------------------------------------------------------------------------------------
    def _new_events(self, service: ecs.Service) -> None:
        for event in service.events:
            if event["id"] in self.seen_events:
                continue
            self.seen_events.add(event["id"])
            when = event["createdAt"]
            stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(when, datetime) else str(when)
            text = f"{stamp} {event['message']}"
            self.events.append(text)
            self.out.progress(f"event: {text}")

    def _progress(self, service: ecs.Service, elapsed: float) -> None:
        times = f"elapsed {ecs.format_duration(elapsed)}, remaining {ecs.format_duration(self.timeout - elapsed)}"
        if self.out.tty and not self.out.is_json:
            rows = [[("*" if d.id == self.deployment_id else " ") + d.raw.get("status", ""),
                     ecs.revision_name(d.task_definition), d.rollout_state, str(d.desired), str(d.running),
                     str(d.pending), str(d.failed_tasks)] for d in service.deployments]
            self.out.redraw([f"{self.service_name}: {times}",
                             *table(rows, ["DEPLOYMENT", "TASK DEFINITION", "ROLLOUT", "DESIRED", "RUNNING",
                                           "PENDING", "FAILED"])])
            return
        ours = service.deployment(self.deployment_id)
        state = (f"rollout {ours.rollout_state}, desired {ours.desired}, running {ours.running}, "
                 f"pending {ours.pending}, failed {ours.failed_tasks}") if ours else "deployment gone"
        self.out.progress(f"{self.service_name}: {ecs.revision_name(self.task_definition_arn)} {state}; "
                          f"{len(service.deployments)} deployment(s); {times}{self._baking(service, ours)}")

    def _service_deployments(self) -> list[dict]:
        """ECS's records of the service's newest deployments, newest first (ours among them while we watch)."""
        listed = self.ctx.aws.ecs.list_service_deployments(cluster=self.cluster, service=self.service_name,
                                                           maxResults=5)["serviceDeployments"]
        if not listed:
            return []
        described = self.ctx.aws.ecs.describe_service_deployments(
            serviceDeploymentArns=[record["serviceDeploymentArn"] for record in listed])["serviceDeployments"]
        return sorted(described, key=lambda record: record["createdAt"], reverse=True)

    def _new_stage(self, service: ecs.Service) -> None:
        if not service.blue_green:
            return
        records = self._service_deployments()
        stage = records[0].get("lifecycleStage") if records else None
        if stage and stage != self.stage:
            self.stage = stage
            self.out.progress(f"stage: {stage} ({STAGES.get(stage, 'a stage this tool does not know')})")

    @staticmethod
    def _baking(service: ecs.Service, ours: ecs.Deployment | None) -> str:
        """With deployment alarms ECS keeps a fully scaled-out deployment IN_PROGRESS for a bake time."""
        alarms = service.alarm_names
        if not alarms or ours is None or len(service.deployments) != 1 or ours.running < ours.desired \
                or ours.has_completed:
            return ""
        return f"; baking: ECS watches {', '.join(alarms)}"

    # --- the wait -----------------------------------------------------------------------------------
    def run(self) -> Outcome:
        start = self.ctx.clock()
        last_progress = None
        while True:
            service = ecs.require_service(self.ctx.aws.ecs, self.cluster, self.service_name)
            elapsed = self.ctx.clock() - start
            self._new_events(service)
            self._new_stage(service)
            outcome = self._judge(service)
            if outcome is None and elapsed >= self.timeout:
                outcome = Outcome(TIMED_OUT, f"timed out after {ecs.format_duration(elapsed)} waiting for "
                                             f"{self.service_name} deployment {self.deployment_id}")
            if outcome is not None:
                if self.out.tty and not self.out.is_json:
                    self._progress(service, elapsed)
                    self.out.settle()
                if outcome.code != OK:
                    outcome.explanation = self.explain(service)
                outcome.events, outcome.elapsed, outcome.stage = self.events, elapsed, self.stage
                return outcome
            if last_progress is None or elapsed - last_progress >= PROGRESS_EVERY or self.out.tty:
                self._progress(service, elapsed)
                last_progress = elapsed
            self.ctx.sleep(min(POLL_SECONDS, max(self.timeout - elapsed, 0.001)))

    def _judge(self, service: ecs.Service) -> Outcome | None:
        ours = service.deployment(self.deployment_id)
        primary = service.primary
        revision = ecs.revision_name(self.task_definition_arn)
        if ours is not None and ours.has_failed:
            return Outcome(ROLLED_BACK, f"deployment {self.deployment_id} of {revision} failed: "
                                        f"{ours.reason or 'rolled back by the circuit breaker'}")
        if ours is None or not ours.is_primary:
            other = f"{primary.id} ({ecs.revision_name(primary.task_definition)})" if primary else "another"
            return Outcome(SUPERSEDED, f"deployment {self.deployment_id} of {revision} was superseded by "
                                       f"deployment {other}")
        if self.fail_fast:
            unfixable = self._fail_fast_reason()
            if unfixable:
                return Outcome(FAILED_FAST, f"deployment {self.deployment_id} of {revision} cannot succeed: "
                                            f"{unfixable}")
        if ours.has_completed and primary.task_definition == self.task_definition_arn \
                and ours.running >= ours.desired:
            return Outcome(OK, f"{self.service_name} runs {revision}: deployment {self.deployment_id} completed, "
                               f"{ours.running}/{ours.desired} tasks running")
        return None

    def _stopped_tasks(self) -> list[dict]:
        arns = self.ctx.aws.ecs.list_tasks(cluster=self.cluster, startedBy=self.deployment_id,
                                           desiredStatus="STOPPED")["taskArns"]
        if not arns:
            return []
        return self.ctx.aws.ecs.describe_tasks(cluster=self.cluster, tasks=arns[:100])["tasks"]

    def _fail_fast_reason(self) -> str | None:
        for task in self._stopped_tasks():
            if task["taskArn"] in self.inspected_tasks:
                continue
            self.inspected_tasks.add(task["taskArn"])
            reasons = [task.get("stoppedReason", "")] + [c.get("reason", "") for c in task.get("containers", [])]
            for pattern, label in UNFIXABLE:
                if any(pattern.search(reason) for reason in reasons):
                    return f"{label} (task {ecs.task_id(task['taskArn'])}: {task.get('stoppedReason', '')})"
            reason = stop_reason(task)
            self.stops_by_reason[reason] = self.stops_by_reason.get(reason, 0) + 1
            if self.stops_by_reason[reason] >= self.crash_loop:
                return f"crash loop: {self.stops_by_reason[reason]} tasks stopped with {reason}"
        return None

    # --- why it failed ------------------------------------------------------------------------------
    def explain(self, service: ecs.Service) -> list[str]:
        lines = alarms_in_alarm(self.ctx.aws.cloudwatch, service.alarm_names)
        for task in self._stopped_tasks():
            lines.append(f"task {ecs.task_id(task['taskArn'])} stopped ({task.get('stopCode', 'unknown')}): "
                         f"{task.get('stoppedReason', 'no reason given')}")
            for container in task.get("containers", []):
                code = container.get("exitCode")
                lines.append(f"  container {container['name']}: exit code "
                             f"{code if code is not None else 'none'}"
                             + (f", {container['reason']}" if container.get("reason") else ""))
                if code not in (0, None) or container.get("reason"):
                    lines += [f"    | {text}" for text in log_tail(self.ctx.aws.logs, self.task_definition, task,
                                                                  container["name"])]
        lines += self._unhealthy_targets(service)
        if service.blue_green:
            lines += [f"service deployment {record.get('status', '')} at {record.get('lifecycleStage', '?')}: "
                      f"{record['statusReason']}" for record in self._service_deployments()[:2]
                      if record.get("statusReason")]
        return lines

    def _unhealthy_targets(self, service: ecs.Service) -> list[str]:
        lines = []
        for balancer in service.raw.get("loadBalancers", []):
            if "targetGroupArn" not in balancer:
                continue
            health = self.ctx.aws.elbv2.describe_target_health(TargetGroupArn=balancer["targetGroupArn"])
            for target in health["TargetHealthDescriptions"]:
                state = target["TargetHealth"]
                if state.get("State") in ("unhealthy", "draining", "unavailable"):
                    where = f"{target['Target']['Id']}:{target['Target'].get('Port', '')}"
                    lines.append(f"target {where} {state['State']}: {state.get('Reason', '')} "
                                 f"({state.get('Description', '')})")
        return lines


def stop_reason(task: dict) -> str:
    """What a stopped task died of, the same text for the same failure: the reason and each exit code."""
    exits = ", ".join(f"{c['name']} exit {c['exitCode'] if c.get('exitCode') is not None else 'none'}"
                      + (f" ({c['reason']})" if c.get("reason") else "") for c in task.get("containers", []))
    return f"\"{task.get('stoppedReason', 'no reason given')}\"" + (f" ({exits})" if exits else "")


def alarms_in_alarm(cloudwatch, names: list[str]) -> list[str]:
    """A line per deployment alarm that is in ALARM, with CloudWatch's reason."""
    if not names:
        return []
    found = cloudwatch.describe_alarms(AlarmNames=names[:100])["MetricAlarms"]
    return [f"alarm {alarm['AlarmName']} is ALARM: {alarm.get('StateReason', '')}" for alarm in found
            if alarm.get("StateValue") == "ALARM"]


class LogFollower:
    """The lines one container writes to its awslogs stream, each returned once, as they arrive."""

    def __init__(self, logs, task_definition: dict, task: dict, container_name: str):
        self.logs = logs
        self.stream = _stream(task_definition, task, container_name)
        self.token: str | None = None

    def new_lines(self) -> list[str]:
        if self.stream is None:
            return []
        group, stream = self.stream
        try:
            page = self.logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True,
                                            **({"nextToken": self.token} if self.token else {}))
        except ClientError:  # the stream appears with the container's first line
            return []
        self.token = page.get("nextForwardToken", self.token)
        return [event["message"].rstrip("\n") for event in page["events"]]


def _stream(task_definition: dict, task: dict, container_name: str) -> tuple[str, str] | None:
    """(log group, stream) of a container's awslogs output: stream prefix/container/task-id."""
    definition = next((c for c in task_definition.get("containerDefinitions", []) if c["name"] == container_name), {})
    options = definition.get("logConfiguration", {}).get("options", {})
    if "awslogs-group" not in options or "awslogs-stream-prefix" not in options:
        return None
    return (options["awslogs-group"],
            f"{options['awslogs-stream-prefix']}/{container_name}/{ecs.task_id(task['taskArn'])}")


def log_tail(logs, task_definition: dict, task: dict, container_name: str, count: int = LOG_LINES) -> list[str]:
    """The last `count` lines the container wrote through awslogs."""
    where = _stream(task_definition, task, container_name)
    if where is None:
        return ["(no awslogs configuration; no log lines)"]
    try:
        events = logs.get_log_events(logGroupName=where[0], logStreamName=where[1],
                                     limit=count, startFromHead=False)["events"]
    except ClientError as e:
        return [f"(no log lines: {e.response['Error'].get('Message') or e.response['Error'].get('Code')})"]
    return [event["message"].rstrip("\n") for event in events[-count:]] or ["(log stream is empty)"]
