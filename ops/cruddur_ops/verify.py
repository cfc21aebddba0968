"""`verify <service>`: the release gate, then everything the rendered files point at, before a deploy.

The release gate (cruddur_ops.release): each image's digest, its release signature and its scan. Then
secret parameters, roles (and that they trust ECS tasks), log groups, the cluster, target groups against the
container and port, subnets and security groups. Printed as an OK/NG/SKIP tree with a summary; the exit
code is the release gate's (8 untrusted, 9 vulnerable, 10 unscanned) when it refuses, else 6 when
anything is NG.
"""
from __future__ import annotations

import dataclasses
import json
from urllib.parse import unquote

from botocore.exceptions import ClientError

from cruddur_ops import budget, context, release, rendering
from cruddur_ops.checks import Check
from cruddur_ops.errors import OK, VERIFY_FAILED, OpsError

HELP = "check that images, secrets, roles, log groups, cluster, target groups and network exist"


def configure(parser) -> None:
    context.add_service_argument(parser)
    rendering.add_arguments(parser)
    release.add_arguments(parser)


def _why(error: ClientError) -> str:
    info = error.response.get("Error", {})
    return f"{info.get('Code')}: {info.get('Message')}"


def _secret(aws, value_from: str) -> tuple[str, str]:
    if ":ssm:" in value_from:
        name = "/" + value_from.split(":parameter/", 1)[1]
        found = aws.ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "Equals",
                                                               "Values": [name]}])["Parameters"]
        return ("OK", "") if found else ("NG", f"parameter {name} not found")
    try:
        aws.secretsmanager.describe_secret(SecretId=value_from)
        return "OK", ""
    except ClientError as e:
        return "NG", _why(e)


def _role(aws, arn: str) -> tuple[str, str]:
    name = arn.rsplit("/", 1)[-1]
    try:
        role = aws.iam.get_role(RoleName=name)["Role"]
    except ClientError as e:
        return "NG", f"role {name} not found" if e.response["Error"]["Code"] == "NoSuchEntity" else _why(e)
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
    principals = []
    for statement in trust.get("Statement", []):
        service = statement.get("Principal", {}).get("Service", [])
        if statement.get("Effect") == "Allow":
            principals += [service] if isinstance(service, str) else service
    if "ecs-tasks.amazonaws.com" not in principals:
        return "NG", f"role {name} does not trust ecs-tasks.amazonaws.com"
    return "OK", ""


def _log_group(aws, name: str) -> tuple[str, str]:
    groups = aws.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return ("OK", "") if any(g["logGroupName"] == name for g in groups) else ("NG", "log group not found")


def _cluster(aws, name: str) -> tuple[str, str]:
    clusters = aws.ecs.describe_clusters(clusters=[name])["clusters"]
    if not clusters or clusters[0]["status"] != "ACTIVE":
        return "NG", "cluster not found or not active"
    return "OK", ""


def _target_group(aws, balancer: dict, task_definition: dict) -> tuple[str, str]:
    try:
        group = aws.elbv2.describe_target_groups(TargetGroupArns=[balancer["targetGroupArn"]])["TargetGroups"][0]
    except ClientError as e:
        return "NG", f"target group not found ({_why(e)})"
    container = next((c for c in task_definition["containerDefinitions"] if c["name"] == balancer["containerName"]),
                     None)
    if container is None:
        return "NG", f"no container named {balancer['containerName']} in the task definition"
    if balancer["containerPort"] not in [m["containerPort"] for m in container.get("portMappings", [])]:
        return "NG", f"container {container['name']} does not map port {balancer['containerPort']}"
    if group.get("TargetType") != "ip":
        return "NG", f"target type is {group.get('TargetType')}; awsvpc tasks need ip"
    return "OK", ""


def _each_exists(describe, key: str, ids: list[str], kind: str) -> list[tuple[str, str, str]]:
    results = []
    for resource_id in ids:
        try:
            found = describe([resource_id])[key]
            results.append((resource_id, "OK", "") if found else (resource_id, "NG", f"{kind} not found"))
        except ClientError as e:
            results.append((resource_id, "NG", f"{kind} not found" if "NotFound" in e.response["Error"]["Code"]
                            else _why(e)))
    return results


def checks(aws, cluster: str, rendered: rendering.Rendered) -> list[Check]:
    task, service = rendered.task_definition, rendered.service
    task_group, service_group = f"task definition {task['family']}", f"service {service['serviceName']}"
    found: list[Check] = []
    for container in task["containerDefinitions"]:
        for secret in container.get("secrets", []):
            found.append(Check(task_group, *_with_subject(_secret(aws, secret["valueFrom"]),
                                                          f"secret {secret['name']}")))
        log = container.get("logConfiguration", {})
        if log.get("logDriver") == "awslogs":
            group = log["options"]["awslogs-group"]
            found.append(Check(task_group, *_with_subject(_log_group(aws, group), f"log group {group}")))
    for key, label in (("executionRoleArn", "execution role"), ("taskRoleArn", "task role")):
        if task.get(key):
            found.append(Check(task_group, *_with_subject(_role(aws, task[key]), f"{label} {task[key]}")))
    found.append(Check(service_group, *_with_subject(_cluster(aws, cluster), f"cluster {cluster}")))
    for balancer in service.get("loadBalancers", []):
        found.append(Check(service_group, *_with_subject(_target_group(aws, balancer, task),
                                                         f"target group {balancer['targetGroupArn']}")))
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    for subject, describe, key, ids in (
        ("subnet", lambda ids: aws.ec2.describe_subnets(SubnetIds=ids), "Subnets", vpc.get("subnets", [])),
        ("security group", lambda ids: aws.ec2.describe_security_groups(GroupIds=ids), "SecurityGroups",
         vpc.get("securityGroups", [])),
    ):
        for resource_id, status, detail in _each_exists(describe, key, ids, subject):
            found.append(Check(service_group, status, f"{subject} {resource_id}", detail))
    return found


def _with_subject(result: tuple[str, str], subject: str) -> tuple[str, str, str]:
    status, detail = result
    return status, subject, detail


def report(out, service_name: str, cluster: str | None, found: list[Check], title: str = "verify") -> bool:
    """Print the tree and the summary; True when nothing is NG."""
    counts = {status: sum(c.status == status for c in found) for status in ("OK", "NG", "SKIP")}
    if out.is_json:
        out.json({"service": service_name, "cluster": cluster, "summary": counts,
                  "checks": [c.__dict__ for c in found]})
        return counts["NG"] == 0
    out.line(f"{title} {service_name}" + (f" (cluster {cluster})" if cluster else ""))
    for group in dict.fromkeys(c.group for c in found):
        out.line(f"  {group}")
        for check in (c for c in found if c.group == group):
            out.line(f"    {check.line()}")
    out.line(f"summary: {counts['OK']} OK, {counts['NG']} NG, {counts['SKIP']} SKIP")
    return counts["NG"] == 0


def preflight(ctx, args, cluster: str, rendered: rendering.Rendered,
              infrastructure: bool = True) -> tuple[rendering.Rendered, list[Check], int]:
    """The release gate (always) and the infrastructure checks (unless told not to): the rendered files with
    their images pinned to the digests that passed, every check made, and the exit code they add up to."""
    found = release.images_of(rendered.task_definition)
    gate = release.check(ctx, args, found)
    made = gate.checks
    if infrastructure:
        made = made + checks(ctx.aws, cluster, rendered) + budget.check(ctx, cluster, rendered)
    code = gate.code or (VERIFY_FAILED if any(c.status == "NG" for c in made) else OK)
    if code:
        return rendered, made, code
    pinned = release.pin(rendered.task_definition, found, gate.bypassed)
    return dataclasses.replace(rendered, task_definition=pinned), made, OK


def refuse(out, service_name: str, cluster: str, made: list[Check], code: int):
    """Print the tree (text output) and stop with `code`, naming every NG."""
    if not out.is_json:
        report(out, service_name, cluster, made)
    problems = [c for c in made if c.status == "NG"]
    what = "verify failed" if code == VERIFY_FAILED else "release refused"
    raise OpsError(f"{what} ({len(problems)} NG: " + "; ".join(f"{c.subject}: {c.detail}" for c in problems)
                   + "); nothing was changed", code)


def run(args, ctx) -> int:
    service = context.service_of(args, ctx)
    cluster = context.cluster_of(args, ctx)
    rendered = rendering.render(ctx, args, service)
    _, made, code = preflight(ctx, args, cluster, rendered)
    report(ctx.out, service.name, cluster, made)
    return code
