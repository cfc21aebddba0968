"""A scripted ECS for what the moto server cannot act out: deployments that progress, fail, roll back
or get superseded over time, tasks that stop with reasons, service events.

It speaks the real API: every request is validated against botocore's model of ECS and every response
has the documented shape. Task definitions and clusters are not faked: those calls go on to the moto
server, which models them. A test scripts what happens at which second after a deployment starts;
the steps fire as the injected clock passes them.

The migration task `deploy` runs before a rollout (startedBy cruddur-ops-migrate) has a script of its own,
`migration`: it stops after `after` seconds with `exit_code`, having written `lines` to its awslogs stream
(in the emulator's CloudWatch Logs, as the awslogs driver would).

A deployment back to a task definition that completed before (a rollback: ECS's own or one asked for)
reaches a steady state `settle_after` seconds after it starts, as a healthy old version would.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import botocore.session
from botocore.validate import validate_parameters

MODEL = botocore.session.get_session().get_service_model("ecs")
ACCOUNT, REGION = "123456789012", "us-east-1"


class ScriptedEcs:
    def __init__(self, moto_ecs, clock, logs=None):
        self._moto = moto_ecs
        self._logs = logs
        self.migration = {"after": 10, "exit_code": 0, "lines": ["schema is up to date"]}  # what `db migrate` prints
        self._migrations: list[tuple[float, str]] = []   # (clock when it stops, task arn)
        self.settle_after = 30
        self.completed_definitions: set[str] = set()
        self.completed_order: list[str] = []
        self._settling: list[tuple[float, dict]] = []     # (clock when it completes, deployment)
        self.clock = clock
        self.exceptions = moto_ecs.exceptions
        self.services: dict[str, dict] = {}
        self.tasks: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.script: list[tuple[float, object]] = []
        self._script_start: float | None = None
        self.service_deployments: list[dict] = []   # ListServiceDeployments history, newest last
        self._started = None
        self._ids = itertools.count(1000)

    # --- plumbing -------------------------------------------------------------------------------
    def __getattr__(self, name):
        return getattr(self._moto, name)

    def _request(self, operation: str, params: dict) -> None:
        validate_parameters(params, MODEL.operation_model(operation).input_shape)
        self.calls.append((operation, params))

    def _now(self) -> datetime:
        return datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc) + timedelta(seconds=self.clock() - 1000)

    def _advance(self) -> None:
        for due, deployment in list(self._settling):
            if self.clock() >= due:
                self._settling.remove((due, deployment))
                if deployment["rolloutState"] == "IN_PROGRESS" and deployment["status"] == "PRIMARY":
                    complete(self, self._service_of(deployment), deployment)
        for due, arn in list(self._migrations):
            if self.clock() >= due:
                self._migrations.remove((due, arn))
                self._finish_migration(self.tasks[arn])
        if self._script_start is None:
            return
        while self.script and self.clock() - self._script_start >= self.script[0][0]:
            _, step = self.script.pop(0)
            step(self)

    def then(self, at_second: float, step) -> ScriptedEcs:
        """Run `step(fake)` once the clock is `at_second` past the next create/update call."""
        self._script_start = None
        self.script.append((at_second, step))
        self.script.sort(key=lambda item: item[0])
        return self

    # --- state helpers used by scripts ------------------------------------------------------------
    def service(self, name: str | None = None) -> dict:
        return self.services[name] if name else next(iter(self.services.values()))

    def event(self, service: dict, message: str) -> None:
        service["events"].insert(0, {"id": f"event-{next(self._ids)}", "createdAt": self._now(),
                                     "message": f"(service {service['serviceName']}) {message}"})

    def new_deployment(self, service: dict, task_definition: str) -> dict:
        for deployment in service["deployments"]:
            if deployment["status"] == "PRIMARY":
                deployment["status"] = "ACTIVE"
        deployment = {
            "id": f"ecs-svc/{next(self._ids)}{next(self._ids)}", "status": "PRIMARY", "taskDefinition": task_definition,
            "desiredCount": service["desiredCount"], "pendingCount": 0, "runningCount": 0, "failedTasks": 0,
            "createdAt": self._now(), "updatedAt": self._now(), "launchType": "FARGATE",
            "rolloutState": "IN_PROGRESS", "rolloutStateReason": "ECS deployment in progress.",
        }
        service["deployments"].insert(0, deployment)
        service["taskDefinition"] = task_definition
        self.service_deployments.append({
            "serviceDeploymentArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/cruddur-staging/"
                                    f"{service['serviceName']}/{deployment['id'].split('/')[-1]}",
            "serviceArn": service["serviceArn"], "clusterArn": service["clusterArn"],
            "status": "IN_PROGRESS", "createdAt": self._now(), "startedAt": self._now(),
            "targetServiceRevisionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-revision/cruddur-staging/"
                                        f"{service['serviceName']}/{next(self._ids)}",
            "_taskDefinition": task_definition, "_deploymentId": deployment["id"],
        })
        self.event(service, f"has started 1 tasks: (task {next(self._ids)}).")
        if task_definition in self.completed_definitions:
            self._settling.append((self.clock() + self.settle_after, deployment))
        return deployment

    def _service_of(self, deployment: dict) -> dict:
        return next(service for service in self.services.values() if deployment in service["deployments"])

    def deployment_by_ecs(self, service: dict, task_definition: str) -> dict:
        """A deployment ECS starts itself (a rollback) or someone else starts: ours stays the one we watch."""
        started = self._started
        deployment = self.new_deployment(service, task_definition)
        self._started = started
        return deployment

    def ours(self) -> dict:
        """The deployment the code under test started: the newest one created through our API."""
        return self._started

    def set_history_status(self, deployment: dict, status: str) -> None:
        for record in self.service_deployments:
            if record["_deploymentId"] == deployment["id"]:
                record["status"] = status

    # --- the API ------------------------------------------------------------------------------------
    def create_service(self, **params):
        self._request("CreateService", params)
        name = params["serviceName"]
        service = {
            "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/cruddur-staging/{name}", "serviceName": name,
            "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{params.get('cluster', 'default')}",
            "status": "ACTIVE", "desiredCount": params.get("desiredCount", 1), "runningCount": 0,
            "pendingCount": 0, "deployments": [], "events": [], "createdAt": self._now(),
            **{k: v for k, v in params.items() if k not in ("cluster", "clientToken", "taskDefinition", "tags")},
        }
        self.services[name] = service
        # The emulator learns of the service too: Application Auto Scaling there checks that it exists.
        self._moto.create_service(cluster=params.get("cluster", "default"), serviceName=name,
                                  taskDefinition=params["taskDefinition"], desiredCount=service["desiredCount"])
        self._started = self.new_deployment(service, self._task_definition_arn(params["taskDefinition"]))
        self._script_start = self.clock()
        return {"service": service}

    def update_service(self, **params):
        self._request("UpdateService", params)
        service = self.services[params["service"]]
        for key, value in params.items():
            if key not in ("cluster", "service", "taskDefinition", "forceNewDeployment"):
                service[key] = value
        if "taskDefinition" in params or params.get("forceNewDeployment"):
            self._started = self.new_deployment(service, self._task_definition_arn(
                params.get("taskDefinition", service["taskDefinition"])))
        self._script_start = self.clock()
        return {"service": service}

    def describe_services(self, **params):
        self._request("DescribeServices", params)
        self._advance()
        found = [self.services[name] for name in params["services"] if name in self.services]
        missing = [{"arn": name, "reason": "MISSING"} for name in params["services"] if name not in self.services]
        return {"services": found, "failures": missing}

    @staticmethod
    def _page(key: str, items: list, params: dict, default_size: int) -> dict:
        """One page of a list call, as ECS pages it: maxResults (or the operation's default) per page."""
        start = int(params.get("nextToken", 0))
        end = start + params.get("maxResults", default_size)
        return {key: items[start:end], **({"nextToken": str(end)} if end < len(items) else {})}

    def list_services(self, **params):
        self._request("ListServices", params)
        return self._page("serviceArns", [service["serviceArn"] for service in self.services.values()], params, 10)

    def list_tasks(self, **params):
        self._request("ListTasks", params)
        self._advance()
        arns = [arn for arn, task in self.tasks.items()
                if ("startedBy" not in params or task.get("startedBy") == params["startedBy"])
                and ("desiredStatus" not in params or task["desiredStatus"] == params["desiredStatus"])
                and ("serviceName" not in params or task.get("group") == f"service:{params['serviceName']}")
                and ("family" not in params or
                     task["taskDefinitionArn"].rsplit("/", 1)[-1].split(":")[0] == params["family"])]
        return self._page("taskArns", arns, params, 100)

    def describe_tasks(self, **params):
        self._request("DescribeTasks", params)
        self._advance()
        return {"tasks": [self.tasks[arn] for arn in params["tasks"] if arn in self.tasks], "failures": []}

    def list_service_deployments(self, **params):
        self._request("ListServiceDeployments", params)
        wanted = params.get("status")
        records = [r for r in reversed(self.service_deployments) if not wanted or r["status"] in wanted]
        return self._page("serviceDeployments", [{k: v for k, v in r.items() if not k.startswith("_")}
                                                 for r in records], params, 20)

    def describe_service_deployments(self, **params):
        self._request("DescribeServiceDeployments", params)
        by_arn = {r["serviceDeploymentArn"]: r for r in self.service_deployments}
        return {"serviceDeployments": [
            {**{k: v for k, v in by_arn[arn].items() if not k.startswith("_")},
             "targetServiceRevision": {"arn": by_arn[arn]["targetServiceRevisionArn"]}}
            for arn in params["serviceDeploymentArns"] if arn in by_arn], "failures": []}

    def describe_service_revisions(self, **params):
        self._request("DescribeServiceRevisions", params)
        by_arn = {r["targetServiceRevisionArn"]: r for r in self.service_deployments}
        return {"serviceRevisions": [{"serviceRevisionArn": arn, "taskDefinition": by_arn[arn]["_taskDefinition"]}
                                     for arn in params["serviceRevisionArns"] if arn in by_arn], "failures": []}

    def run_task(self, **params):
        self._request("RunTask", params)
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/cruddur-staging/{next(self._ids):032x}"
        self.tasks[arn] = {"taskArn": arn, "taskDefinitionArn": self._task_definition_arn(params["taskDefinition"]),
                           "lastStatus": "PROVISIONING", "desiredStatus": "RUNNING", "containers": [],
                           "startedBy": params.get("startedBy", "")}
        if params.get("startedBy") == "cruddur-ops-migrate":  # its own script; the rollout's waits for it
            self.tasks[arn]["overrides"] = params.get("overrides", {})
            self._migrations.append((self.clock() + self.migration["after"], arn))
            return {"tasks": [self.tasks[arn]], "failures": []}
        self._started = self.tasks[arn]
        self._script_start = self.clock()
        return {"tasks": [self.tasks[arn]], "failures": []}

    def _finish_migration(self, task: dict) -> None:
        container = task["overrides"]["containerOverrides"][0]["name"]
        if self._logs is not None and self.migration["lines"]:
            definition = self._moto.describe_task_definition(taskDefinition=task["taskDefinitionArn"])["taskDefinition"]
            [options] = [c["logConfiguration"]["options"] for c in definition["containerDefinitions"]
                         if c["name"] == container]
            group = options["awslogs-group"]
            stream = f"{options['awslogs-stream-prefix']}/{container}/{task['taskArn'].rsplit('/', 1)[-1]}"
            self._logs.create_log_stream(logGroupName=group, logStreamName=stream)
            start = int(self._now().timestamp() * 1000)
            self._logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": start + i, "message": line} for i, line in enumerate(self.migration["lines"])])
        task.update(lastStatus="STOPPED", desiredStatus="STOPPED", stopCode="EssentialContainerExited",
                    stoppedReason="Essential container in task exited", stoppedAt=self._now(),
                    containers=[{"name": container, "lastStatus": "STOPPED",
                                 "exitCode": self.migration["exit_code"]}])

    def execute_command(self, **params):
        self._request("ExecuteCommand", params)
        return {"clusterArn": params["cluster"], "taskArn": params["task"], "containerName": params["container"],
                "interactive": True, "session": {"sessionId": "ecs-execute-command-1", "streamUrl": "wss://ssm",
                                                 "tokenValue": "session-token"}}

    def _task_definition_arn(self, name_or_arn: str) -> str:
        return self._moto.describe_task_definition(taskDefinition=name_or_arn)["taskDefinition"]["taskDefinitionArn"]


# --- steps a script can take ------------------------------------------------------------------------
def tasks_running(count: int):
    def step(fake):
        deployment, service = fake.ours(), fake.service()
        deployment["runningCount"], deployment["pendingCount"] = count, deployment["desiredCount"] - count
        service["runningCount"] = count
    return step


def steady_state(fake):
    """Our deployment completes; the old ones drain away."""
    complete(fake, fake.service(), fake.ours())


def complete(fake, service: dict, deployment: dict) -> None:
    deployment.update(rolloutState="COMPLETED", rolloutStateReason="ECS deployment completed.",
                      runningCount=deployment["desiredCount"], pendingCount=0)
    service["deployments"] = [d for d in service["deployments"] if d is deployment]
    service["runningCount"] = deployment["desiredCount"]
    fake.set_history_status(deployment, "SUCCESSFUL")
    fake.completed_definitions.add(deployment["taskDefinition"])
    fake.completed_order.append(deployment["taskDefinition"])
    fake.event(service, "has reached a steady state.")


def task_stopped(task_id: str, stopped_reason: str, containers: list[tuple[str, int | None, str]],
                 stop_code="TaskFailedToStart"):
    """A task of our deployment stops; containers are (name, exit code, reason)."""
    def step(fake):
        service, ours = fake.service(), fake.ours()
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/cruddur-staging/{task_id}"
        fake.tasks[arn] = {
            "taskArn": arn, "taskDefinitionArn": ours["taskDefinition"], "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED", "startedBy": ours["id"], "group": f"service:{service['serviceName']}",
            "stopCode": stop_code, "stoppedReason": stopped_reason, "stoppedAt": fake._now(),
            "containers": [{"name": name, "lastStatus": "STOPPED", **({"exitCode": code} if code is not None else {}),
                            **({"reason": reason} if reason else {})} for name, code, reason in containers],
        }
        ours["failedTasks"] += 1
        fake.event(service, f"has stopped 1 running tasks: (task {arn.rsplit('/', 1)[-1]}).")
    return step


def circuit_breaker_rollback(fake):
    """ECS fails our deployment and starts a new one with the previous task definition."""
    service, ours = fake.service(), fake.ours()
    previous = next(d for d in service["deployments"] if d is not ours)
    ours.update(rolloutState="FAILED", rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.")
    fake.set_history_status(ours, "ROLLBACK_SUCCESSFUL")
    fake.event(service, f"(deployment {ours['id']}) deployment failed: tasks failed to start.")
    fake.deployment_by_ecs(service, previous["taskDefinition"])
    fake.event(service, f"rolling back to deployment {previous['id']}.")


def old_tasks_drained(fake):
    """Our deployment runs all its tasks and the old one is gone; with deployment alarms ECS keeps ours
    IN_PROGRESS for its bake time."""
    service, ours = fake.service(), fake.ours()
    ours.update(runningCount=ours["desiredCount"], pendingCount=0)
    service["deployments"] = [ours]
    service["runningCount"] = ours["desiredCount"]


def alarm_rollback(alarm_name: str):
    """A deployment alarm went to ALARM: ECS fails our deployment and rolls back to the last completed one."""
    def step(fake):
        service, ours = fake.service(), fake.ours()
        ours.update(rolloutState="FAILED",
                    rolloutStateReason=f"Rolling back to deployment: alarm(s) triggered: {alarm_name}")
        fake.set_history_status(ours, "ROLLBACK_SUCCESSFUL")
        fake.event(service, f"(deployment {ours['id']}) deployment failed: alarm detected.")
        last_good = next(d for d in reversed(fake.completed_order) if d != ours["taskDefinition"])
        fake.deployment_by_ecs(service, last_good)
    return step


BLUE_GREEN_STAGES = ["RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
                     "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
                     "BAKE_TIME", "CLEAN_UP"]


def blue_green(fake, hook, every: float = 10) -> None:
    """Script the next deployment as ECS's blue/green: one lifecycle stage every `every` seconds. At
    POST_TEST_TRAFFIC_SHIFT `hook` (the hook function's handler) is invoked with the stage's payload, as ECS
    invokes the Lambda; unless it answers SUCCEEDED the deployment is rolled back before production traffic
    moves. After CLEAN_UP the new version is the only one."""
    for number, stage in enumerate(BLUE_GREEN_STAGES, start=1):
        fake.then(every * number, _blue_green_stage(stage, hook))
    fake.then(every * (len(BLUE_GREEN_STAGES) + 1), _blue_green_done)


def _blue_green_stage(stage: str, hook):
    def step(fake):
        service, ours = fake.service(), fake.ours()
        if ours["rolloutState"] != "IN_PROGRESS":
            return
        record = next(r for r in fake.service_deployments if r["_deploymentId"] == ours["id"])
        record["lifecycleStage"] = stage
        if stage == "POST_SCALE_UP":
            ours.update(runningCount=ours["desiredCount"], pendingCount=0)
        if stage != "POST_TEST_TRAFFIC_SHIFT":
            return
        previous = next(d for d in service["deployments"] if d is not ours)
        revision = record["targetServiceRevisionArn"]
        answer = hook({"serviceArn": service["serviceArn"], "targetServiceRevisionArn": revision,
                       "lifecycleStage": stage, "testTrafficWeights": {revision: 100},
                       "productionTrafficWeights": {previous["id"]: 100}}, None)
        status = answer.get("hookStatus") if isinstance(answer, dict) else None
        if status == "SUCCEEDED":
            return
        hook_arn = service["deploymentConfiguration"]["lifecycleHooks"][0]["hookTargetArn"]
        record.update(status="ROLLBACK_SUCCESSFUL",
                      statusReason=f"lifecycle hook {hook_arn} returned {status} at {stage}; rolled back")
        ours.update(rolloutState="FAILED", rolloutStateReason=f"Service deployment rolled back: lifecycle hook "
                                                              f"failed at {stage}.")
        fake.event(service, f"(deployment {ours['id']}) deployment failed: lifecycle hook failed.")
        fake.deployment_by_ecs(service, previous["taskDefinition"])
        fake.service_deployments.pop()  # a blue/green rollback stays within the service deployment it undoes
    return step


def _blue_green_done(fake):
    if fake.ours()["rolloutState"] == "IN_PROGRESS":
        complete(fake, fake.service(), fake.ours())


def superseded_by(task_definition_arn_of):
    """Someone else deploys while we wait."""
    def step(fake):
        fake.deployment_by_ecs(fake.service(), task_definition_arn_of(fake))
    return step


def task_finished(exit_code: int, reason: str = ""):
    """The one-off task started by run_task stops with its container's exit code."""
    def step(fake):
        task = fake._started
        task.update(lastStatus="STOPPED", desiredStatus="STOPPED", stopCode="EssentialContainerExited",
                    stoppedReason="Essential container in task exited", stoppedAt=fake._now(),
                    containers=[{"name": "backend-flask", "lastStatus": "STOPPED", "exitCode": exit_code,
                                 **({"reason": reason} if reason else {})}])
    return step
