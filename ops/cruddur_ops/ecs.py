"""Small views over ECS API dicts, with named predicates, and the lookups every command shares."""
from __future__ import annotations

import re
from dataclasses import dataclass

from cruddur_ops.errors import OpsError


@dataclass(frozen=True)
class Deployment:
    raw: dict

    id = property(lambda self: self.raw["id"])
    task_definition = property(lambda self: self.raw["taskDefinition"])
    rollout_state = property(lambda self: self.raw.get("rolloutState", "IN_PROGRESS"))
    reason = property(lambda self: self.raw.get("rolloutStateReason", ""))
    desired = property(lambda self: self.raw.get("desiredCount", 0))
    running = property(lambda self: self.raw.get("runningCount", 0))
    pending = property(lambda self: self.raw.get("pendingCount", 0))
    failed_tasks = property(lambda self: self.raw.get("failedTasks", 0))

    @property
    def is_primary(self) -> bool:
        return self.raw.get("status") == "PRIMARY"

    @property
    def has_failed(self) -> bool:
        return self.rollout_state == "FAILED"

    @property
    def has_completed(self) -> bool:
        return self.rollout_state == "COMPLETED"


@dataclass(frozen=True)
class Service:
    raw: dict

    name = property(lambda self: self.raw["serviceName"])
    task_definition = property(lambda self: self.raw.get("taskDefinition", ""))
    desired = property(lambda self: self.raw.get("desiredCount", 0))
    running = property(lambda self: self.raw.get("runningCount", 0))
    pending = property(lambda self: self.raw.get("pendingCount", 0))

    @property
    def deployments(self) -> list[Deployment]:
        return [Deployment(d) for d in self.raw.get("deployments", [])]

    @property
    def primary(self) -> Deployment | None:
        return next((d for d in self.deployments if d.is_primary), None)

    @property
    def running_task_definition(self) -> str:
        """What the service runs now: its primary deployment's definition (the service's own field lags)."""
        return self.primary.task_definition if self.primary else self.task_definition

    @property
    def event_ids(self) -> set[str]:
        """The ids of the events it holds now: a wait started after them prints only newer ones."""
        return {event["id"] for event in self.raw.get("events", [])}

    @property
    def known_good(self) -> Deployment | None:
        """The deployment to fall back to: the primary if it completed, else a completed older one."""
        completed = [d for d in self.deployments if d.has_completed]
        return next((d for d in completed if d.is_primary), completed[0] if completed else None)

    def deployment(self, deployment_id: str) -> Deployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)

    @property
    def blue_green(self) -> bool:
        return self.raw.get("deploymentConfiguration", {}).get("strategy") == "BLUE_GREEN"

    @property
    def alarm_names(self) -> list[str]:
        """The CloudWatch alarms ECS watches during this service's deployments (empty when not enabled)."""
        alarms = self.raw.get("deploymentConfiguration", {}).get("alarms", {})
        return list(alarms.get("alarmNames", [])) if alarms.get("enable") else []

    @property
    def events(self) -> list[dict]:
        """Oldest first (ECS lists them newest first)."""
        return list(reversed(self.raw.get("events", [])))


def container_of(task: dict, name: str) -> dict | None:
    """The named container of a described task, or None."""
    return next((c for c in task.get("containers", []) if c["name"] == name), None)


def describe_service(ecs, cluster: str, name: str) -> Service | None:
    """The service, or None when it does not exist (or was deleted)."""
    found = ecs.describe_services(cluster=cluster, services=[name])["services"]
    if not found or found[0].get("status") == "INACTIVE":
        return None
    return Service(found[0])


def require_service(ecs, cluster: str, name: str) -> Service:
    service = describe_service(ecs, cluster, name)
    if service is None:
        raise OpsError(f"service {name} not found in cluster {cluster}")
    return service


def describe_task_definition(ecs, name_or_arn: str) -> dict | None:
    try:
        return ecs.describe_task_definition(taskDefinition=name_or_arn)["taskDefinition"]
    except ecs.exceptions.ClientException:
        return None


def every(ecs, operation: str, key: str, **params) -> list:
    """All items of a paged ECS list call, following nextToken. By hand rather than with botocore's
    paginators: ListServiceDeployments has none, and the scripted ECS in the tests must see every call."""
    items, token = [], None
    while True:
        page = getattr(ecs, operation)(**params, **({"nextToken": token} if token else {}))
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def revision_name(arn: str) -> str:
    """`arn:...:task-definition/backend-flask:8` → `backend-flask:8`."""
    return arn.rsplit("/", 1)[-1]


def task_id(task_arn: str) -> str:
    return task_arn.rsplit("/", 1)[-1]


_DURATION = re.compile(r"^(\d+)([smhd]?)$")


def parse_duration(text: str) -> int:
    """'90' or '90s', '15m', '2h', '1d' → seconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise OpsError(f"{text!r} is not a duration (examples: 90s, 15m, 2h, 1d)")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s"


def in_use(ecs_client, cluster: str, task_definition: str) -> str | None:
    """What still uses `task_definition` in the cluster (a service deployment or a task), or None."""
    arns = every(ecs_client, "list_services", "serviceArns", cluster=cluster, maxResults=100)
    for start in range(0, len(arns), 10):
        for service in ecs_client.describe_services(cluster=cluster, services=arns[start:start + 10])["services"]:
            if any(d["taskDefinition"] == task_definition for d in service.get("deployments", [])):
                return f"service {service['serviceName']}"
    family = revision_name(task_definition).split(":")[0]
    running = [task for task in running_tasks(ecs_client, cluster, family=family)
               if task["taskDefinitionArn"] == task_definition]
    return f"running task {task_id(running[0]['taskArn'])}" if running else None


def running_tasks(ecs_client, cluster: str, **filters) -> list[dict]:
    """Every running task of the cluster that ListTasks `filters` (serviceName=, family=) select, described."""
    arns = every(ecs_client, "list_tasks", "taskArns", cluster=cluster, desiredStatus="RUNNING", **filters)
    return [task for start in range(0, len(arns), 100)
            for task in ecs_client.describe_tasks(cluster=cluster, tasks=arns[start:start + 100])["tasks"]]


def retire(ecs_client, cluster: str, task_definition: str, out) -> bool:
    """Deregister `task_definition` unless something in the cluster still uses it; a line either way."""
    user = in_use(ecs_client, cluster, task_definition)
    if user:
        out.progress(f"kept {revision_name(task_definition)}: still used by {user}")
        return False
    ecs_client.deregister_task_definition(taskDefinition=task_definition)
    out.progress(f"deregistered {revision_name(task_definition)}")
    return True


def revision_number(arn: str) -> int:
    return int(revision_name(arn).rsplit(":", 1)[1])


def keep_newest(ecs_client, cluster: str, family: str, keep: int, out) -> None:
    """Deregister the family's active revisions older than the newest `keep` (0 keeps them all), never
    one still in use."""
    if keep <= 0:
        return
    arns = [arn for arn in every(ecs_client, "list_task_definitions", "taskDefinitionArns", familyPrefix=family,
                                 status="ACTIVE")
            if revision_name(arn).rsplit(":", 1)[0] == family]  # familyPrefix is only a prefix
    for arn in sorted(arns, key=revision_number, reverse=True)[keep:]:
        retire(ecs_client, cluster, arn, out)
