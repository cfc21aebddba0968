"""`audit`: the security checklist, checked against the live account, as a PASS/FAIL table.

Exit 1 when any check fails. Each check is one function returning (resource, passed, detail) rows, so a
new rule is one function plus one line in CHECKS. The image checks look at what runs, not at what was
meant to: the digest every running task's containers were started from (ECS reports it per container).
"""
from __future__ import annotations

from botocore.exceptions import ClientError

from cruddur_ops import context, definitions, ecs, images, release, scans, signing
from cruddur_ops.errors import FAILED, OK
from cruddur_ops.output import table
from cruddur_ops.registry import open_registry

HELP = "check the account against Cruddur's security checklist; PASS/FAIL table, exit 1 on any FAIL"
TRAIL = "cruddur"
ALERTS_TOPIC = "cruddur-alerts"


def configure(parser) -> None:
    parser.add_argument("--service", action="append", dest="services",
                        help="limit to these services (default: every service in aws/ops.toml)")


class Live:
    """What the checks look at, fetched once: each service with its task definition."""

    def __init__(self, ctx, cluster: str, names: list[str]):
        self.ctx, self.aws, self.cluster = ctx, ctx.aws, cluster
        self.services: dict[str, ecs.Service | None] = {}
        self.task_definitions: dict[str, dict] = {}
        self.tasks: dict[str, list[dict]] = {}
        for name in names:
            service = ecs.describe_service(self.aws.ecs, cluster, name)
            self.services[name] = service
            if service is not None:
                self.task_definitions[name] = ecs.describe_task_definition(self.aws.ecs, service.task_definition) or {}
                self.tasks[name] = ecs.running_tasks(self.aws.ecs, cluster, serviceName=name)

    def running_images(self):
        """(service, task id, container, registry, repository, digest) of every running task's containers."""
        for name, tasks in self.tasks.items():
            for task in tasks:
                for container in task.get("containers", []):
                    registry, repository, _, pinned = images.parse_reference(container.get("image", ""))
                    digest = container.get("imageDigest") or pinned
                    yield name, ecs.task_id(task["taskArn"]), container["name"], registry, repository, digest

    def containers(self):
        for name, task_definition in self.task_definitions.items():
            for container in task_definition.get("containerDefinitions", []):
                yield name, container


def _error(e: ClientError) -> str:
    return f"{e.response['Error'].get('Code')}: {e.response['Error'].get('Message')}"


def services_exist(live: Live):
    for name, service in live.services.items():
        yield name, service is not None, "" if service else f"not found in cluster {live.cluster}"


def ecr_scan_on_push(live: Live):
    for name in live.services:
        repository = live.ctx.config.service(name).repository
        try:
            found = live.aws.ecr.describe_repositories(repositoryNames=[repository])["repositories"][0]
        except ClientError as e:
            yield repository, False, _error(e)
            continue
        on = found.get("imageScanningConfiguration", {}).get("scanOnPush", False)
        yield repository, on, "" if on else "scanOnPush is off"


def _each_running_image(live: Live, judge):
    """Run `judge(registry, repository, digest)` -> (passed, detail) once per image a running task uses,
    reporting it on every task and container that runs it."""
    verdicts: dict[tuple, tuple[bool, str]] = {}
    seen_service = set()
    for service, task, container, registry, repository, digest in live.running_images():
        seen_service.add(service)
        resource = f"{service}/{container} task {task}"
        if not digest:
            yield resource, False, "ECS reports no image digest for this container"
            continue
        key = (registry, repository, digest)
        if key not in verdicts:
            verdicts[key] = judge(registry, repository, digest)
        passed, detail = verdicts[key]
        yield resource, passed, f"{repository}@{digest[:19]}" + (f": {detail}" if detail else "")
    for service in live.tasks:
        if service not in seen_service:
            yield service, True, "no running task"


def running_images_signed(live: Live):
    def judge(registry, repository, digest):
        verdict = signing.verify_digest(live.aws.kms, live.ctx.config.signing_keys,
                                        open_registry(live.ctx, registry), repository, digest)
        return verdict.ok, verdict.detail
    yield from _each_running_image(live, judge)


def no_high_or_critical_findings(live: Live):
    exceptions = scans.load_exceptions(live.ctx.root)

    def judge(registry, repository, digest):
        if not images.ECR_REGISTRY.match(registry):
            return False, "not in ECR: no scan to check"
        scan = scans.describe(live.aws.ecr, repository, digest)
        if scan is None or scan.status not in scans.DONE:
            return False, f"scan {scan.status if scan else 'never ran'}"
        judgement = scans.judge(scan.findings, exceptions, live.ctx.now().date())
        if judgement.refused:
            return False, "; ".join(f"{finding.line()}: {why}" for finding, why in judgement.refused)
        return True, f"{len(judgement.excepted)} excepted" if judgement.excepted else ""
    yield from _each_running_image(live, judge)


def deployed_through_the_gate(live: Live):
    for name, task_definition in live.task_definitions.items():
        bypassed = {c["name"]: c.get("dockerLabels", {}).get(release.BYPASS_LABEL)
                    for c in task_definition.get("containerDefinitions", [])}
        shown = ", ".join(f"{container}: {flags}" for container, flags in bypassed.items() if flags)
        revision = ecs.revision_name(task_definition.get("taskDefinitionArn", name))
        yield revision, not shown, f"deployed with a bypass ({shown})" if shown else ""


def no_secrets_in_environment(live: Live):
    for name, container in live.containers():
        leaks = [entry["name"] for entry in container.get("environment", [])
                 if definitions.secret_looking(entry["name"], entry["value"])]
        yield f"{name}/{container['name']}", not leaks, ", ".join(leaks) and f"plain values: {', '.join(leaks)}"


def containers_locked_down(live: Live):
    for name, container in live.containers():
        problems = []
        if container.get("user", "root").split(":")[0] in ("root", "0", ""):
            problems.append("runs as root")
        if not container.get("readonlyRootFilesystem"):
            problems.append("root filesystem writable")
        if container.get("privileged"):
            problems.append("privileged")
        yield f"{name}/{container['name']}", not problems, ", ".join(problems)


def separate_roles(live: Live):
    for name, task_definition in live.task_definitions.items():
        execution, task = task_definition.get("executionRoleArn"), task_definition.get("taskRoleArn")
        ok = bool(execution and task and execution != task)
        yield name, ok, "" if ok else "execution role and task role must both be set and differ"


def reachable_only_from_load_balancer(live: Live):
    for name, service in live.services.items():
        if service is None:
            continue
        balancer_groups = set()
        for balancer in service.raw.get("loadBalancers", []):
            groups = live.aws.elbv2.describe_target_groups(TargetGroupArns=[balancer["targetGroupArn"]])
            for lb_arn in groups["TargetGroups"][0].get("LoadBalancerArns", []):
                lb = live.aws.elbv2.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]
                balancer_groups.update(lb.get("SecurityGroups", []))
        if not balancer_groups:
            yield name, False, "no load balancer security group found for the service"
            continue
        own = service.raw.get("networkConfiguration", {}).get("awsvpcConfiguration", {}).get("securityGroups", [])
        problems = []
        for group in live.aws.ec2.describe_security_groups(GroupIds=own)["SecurityGroups"] if own else []:
            for rule in group.get("IpPermissions", []):
                if rule.get("IpRanges") or rule.get("Ipv6Ranges") or rule.get("PrefixListIds"):
                    cidrs = [r["CidrIp"] for r in rule.get("IpRanges", [])] + \
                            [r["CidrIpv6"] for r in rule.get("Ipv6Ranges", [])]
                    problems.append(f"{group['GroupId']} open to {', '.join(cidrs) or 'a prefix list'}")
                problems += [f"{group['GroupId']} open to {pair['GroupId']}"
                             for pair in rule.get("UserIdGroupPairs", [])
                             if pair.get("GroupId") not in balancer_groups]
        if not own:
            problems.append("no security groups")
        yield name, not problems, "; ".join(problems)


def container_insights(live: Live):
    clusters = live.aws.ecs.describe_clusters(clusters=[live.cluster], include=["SETTINGS"])["clusters"]
    settings = {s["name"]: s["value"] for s in clusters[0].get("settings", [])} if clusters else {}
    on = settings.get("containerInsights") in ("enabled", "enhanced")
    yield live.cluster, on, "" if on else f"containerInsights is {settings.get('containerInsights', 'not set')}"


def log_retention(live: Live):
    groups = sorted({c.get("logConfiguration", {}).get("options", {}).get("awslogs-group")
                     for _, c in live.containers()} - {None})
    for group in groups:
        found = [g for page in live.aws.logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group)
                 for g in page["logGroups"] if g["logGroupName"] == group]
        days = found[0].get("retentionInDays") if found else None
        yield group, bool(days), f"{days} days" if days else ("missing" if not found else "kept forever")


def cloudtrail_logging(live: Live):
    try:
        logging = live.aws.cloudtrail.get_trail_status(Name=TRAIL)["IsLogging"]
    except ClientError as e:
        yield TRAIL, False, _error(e)
        return
    yield TRAIL, logging, "" if logging else "trail exists but is not logging"


def config_recording(live: Live):
    recorders = live.aws.config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    recording = [r["name"] for r in recorders if r.get("recording")]
    yield ", ".join(recording) or "configuration recorder", bool(recording), \
        "" if recording else ("no recorder" if not recorders else "recorder stopped")


def runtime_threat_detection(live: Live):
    """GuardDuty on, with Runtime Monitoring and its agent managed for Fargate tasks."""
    detectors = live.aws.guardduty.list_detectors()["DetectorIds"]
    if not detectors:
        yield "GuardDuty", False, "no detector in this region"
        return
    detector = live.aws.guardduty.get_detector(DetectorId=detectors[0])
    features = {f["Name"]: f for f in detector.get("Features", [])}
    runtime = features.get("RUNTIME_MONITORING", {})
    fargate = {c["Name"]: c["Status"] for c in runtime.get("AdditionalConfiguration", [])}
    missing = [what for what, on in (
        ("detector disabled", detector.get("Status") == "ENABLED"),
        ("Runtime Monitoring off", runtime.get("Status") == "ENABLED"),
        ("Fargate agent not managed", fargate.get("ECS_FARGATE_AGENT_MANAGEMENT") == "ENABLED")) if not on]
    yield f"GuardDuty {detectors[0]}", not missing, "; ".join(missing) or "Runtime Monitoring, Fargate agent managed"


def alerts_subscribed(live: Live):
    topics = [t["TopicArn"] for page in live.aws.sns.get_paginator("list_topics").paginate() for t in page["Topics"]]
    topic = next((arn for arn in topics if arn.rsplit(":", 1)[-1] == ALERTS_TOPIC), None)
    if topic is None:
        yield ALERTS_TOPIC, False, "topic not found"
        return
    subscriptions = [s for page in live.aws.sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
                     for s in page["Subscriptions"]]
    confirmed = [s for s in subscriptions if s["SubscriptionArn"].startswith("arn:")]
    yield ALERTS_TOPIC, bool(confirmed), f"{len(confirmed)} confirmed" if confirmed else \
        f"no confirmed subscription ({len(subscriptions)} pending)"


CHECKS = [
    ("services exist", services_exist),
    ("ECR scan on push", ecr_scan_on_push),
    ("running images signed", running_images_signed),
    ("no HIGH/CRITICAL findings", no_high_or_critical_findings),
    ("released through the gate", deployed_through_the_gate),
    ("no secrets in environment", no_secrets_in_environment),
    ("non-root, read-only, unprivileged", containers_locked_down),
    ("execution role != task role", separate_roles),
    ("only the load balancer reaches it", reachable_only_from_load_balancer),
    ("Container Insights on", container_insights),
    ("log retention set", log_retention),
    ("CloudTrail trail logging", cloudtrail_logging),
    ("AWS Config recording", config_recording),
    ("runtime threat detection", runtime_threat_detection),
    ("alerts topic subscribed", alerts_subscribed),
]


def audit(ctx, cluster: str, services: list[str]) -> list[dict]:
    live = Live(ctx, cluster, services)
    rows = []
    for label, check in CHECKS:
        for resource, passed, detail in check(live):
            rows.append({"check": label, "resource": resource, "result": "PASS" if passed else "FAIL",
                         "detail": detail})
    return rows


def run(args, ctx) -> int:
    services = args.services or sorted(ctx.config.services)
    for name in services:
        ctx.config.service(name)
    rows = audit(ctx, context.cluster_of(args, ctx), services)
    failed = sum(row["result"] == "FAIL" for row in rows)
    if ctx.out.is_json:
        ctx.out.json({"checks": rows, "passed": len(rows) - failed, "failed": failed})
    else:
        for line in table([[r["check"], r["resource"], r["result"], r["detail"]] for r in rows],
                          ["CHECK", "RESOURCE", "RESULT", "DETAIL"]):
            ctx.out.line(line)
        ctx.out.line(f"{len(rows) - failed} passed, {failed} failed")
    return FAILED if failed else OK
