"""The database connection budget, checked by `verify` (and so by `deploy`) for each service that reads
CONNECTION_URL: at its largest the service must not be able to exhaust PostgreSQL's max_connections.

    peak tasks   = max tasks (autoscaling's maximum, else desiredCount) × maximumPercent while a rolling
                   deploy runs both versions (twice the tasks for blue/green)
    connections  = peak tasks × GUNICORN_WORKERS × DB_POOL_MAX_SIZE (each worker process has its own pool)
                   + one-off tasks (aws/ops.toml [database] one_off_connections: migrations, a psql session)
    budget       = max_connections of the instance's parameter group − [database] reserve

Workers and pool size must be set in the task definition: the budget is only as true as the numbers it
multiplies. A max_connections that is a formula (RDS's default group) is refused for the same reason.
"""
from __future__ import annotations

import math

from botocore.exceptions import ClientError

from cruddur_ops import scaling
from cruddur_ops.checks import Check

GROUP = "database"


def reads_database(task_definition: dict) -> bool:
    return any(secret["name"] == "CONNECTION_URL" for container in task_definition["containerDefinitions"]
               for secret in container.get("secrets", []))


def check(ctx, cluster: str, rendered) -> list[Check]:
    task, service = rendered.task_definition, rendered.service
    if not reads_database(task):
        return []
    subject = f"connections of {service['serviceName']}"
    environment = {item["name"]: item["value"] for container in task["containerDefinitions"]
                   for item in container.get("environment", [])}
    try:
        workers, pool = (int(environment[name]) for name in ("GUNICORN_WORKERS", "DB_POOL_MAX_SIZE"))
    except (KeyError, ValueError):
        return [Check(GROUP, "NG", subject, "set GUNICORN_WORKERS and DB_POOL_MAX_SIZE in the task definition's "
                                            "environment: the budget multiplies them")]
    tasks, why = _max_tasks(ctx, cluster, rendered)
    percent = 200 if service.get("deploymentConfiguration", {}).get("strategy") == "BLUE_GREEN" else \
        service.get("deploymentConfiguration", {}).get("maximumPercent", 200)
    peak = math.ceil(tasks * percent / 100)
    one_off = ctx.config.database.one_off_connections
    need = peak * workers * pool + one_off
    database = ctx.config.database
    limit, detail = max_connections(ctx.aws.rds, database.instance)
    if limit is None:
        return [Check(GROUP, "SKIP" if detail.startswith("no instance") else "NG", subject, detail)]
    budget = limit - database.reserve
    fits = need <= budget
    arithmetic = (f"{peak} tasks at most ({tasks} {why} × {percent}% while deploying) × {workers} workers × pool "
                  f"{pool} + {one_off} one-off = {need} {'≤' if fits else '>'} {limit} max_connections of "
                  f"{database.instance} − {database.reserve} reserve = {budget}")
    return [Check(GROUP, "OK" if fits else "NG", subject, arithmetic)]


def _max_tasks(ctx, cluster: str, rendered) -> tuple[int, str]:
    """The most tasks the service can run outside a deploy: the larger of the scaling file's maximum (what
    deploy is about to apply) and the live scalable target's; else the service file's desiredCount."""
    service, counts = rendered.service, []
    if rendered.scaling:
        counts.append((rendered.scaling.max_capacity, "scaled"))
    live = scaling.scalable_target(ctx.aws.client("application-autoscaling"), cluster, service["serviceName"])
    if live:
        counts.append((live["MaxCapacity"], "scaled"))
    return max(counts) if counts else (service.get("desiredCount", 1), "desired")


def max_connections(rds, instance: str) -> tuple[int | None, str]:
    """(max_connections, "") from the instance's parameter group, or (None, why it cannot be known)."""
    try:
        described = rds.describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]
    except ClientError as e:
        if e.response["Error"]["Code"] == "DBInstanceNotFound":
            return None, f"no instance {instance} (data stack not deployed?): budget not checked"
        raise
    group = described["DBParameterGroups"][0]["DBParameterGroupName"]
    marker = None
    while True:
        page = rds.describe_db_parameters(DBParameterGroupName=group, **({"Marker": marker} if marker else {}))
        for parameter in page["Parameters"]:
            if parameter["ParameterName"] == "max_connections":
                value = parameter.get("ParameterValue", "")
                if value.isascii() and value.isdigit():
                    return int(value), ""
                return None, (f"max_connections of parameter group {group} is {value or 'unset'!r}, not a number: "
                              "set it in the data stack's parameter group")
        marker = page.get("Marker")
        if not marker:
            return None, f"parameter group {group} does not set max_connections: set it in the data stack"
