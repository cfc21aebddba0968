"""Guardrails: each alert rule's pattern against sample CloudTrail events, the SCPs, and the network
stack's private-endpoint option.

Patterns are matched by the emulator's own EventBridge matcher (moto's EventPattern): moto server does not
answer TestEventPattern, and its PutEvents fails on input transformers, so the matcher is called directly.
"""
from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest
from moto.events.models import EventPattern

from cruddur_ops import cfn_template, config

ROOT = Path(__file__).resolve().parents[2]
GUARDRAILS = cfn_template.load(ROOT / "aws/cfn/guardrails/template.yaml")


def _rule(name: str) -> EventPattern:
    [rule] = [r for r in GUARDRAILS["Resources"].values()
              if r["Type"] == "AWS::Events::Rule" and r["Properties"]["Name"] == name]
    # the template's intrinsics (account, partition) resolved to the sample account the events come from
    return EventPattern.load(json.dumps(cfn_template.resolve(rule["Properties"]["EventPattern"], GUARDRAILS)))


MALLORY = "arn:aws:sts::123456789012:assumed-role/dev/mallory"


def cloudtrail_event(source: str, event_name: str, request: dict | None = None, who: str = MALLORY) -> dict:
    """An 'AWS API Call via CloudTrail' event as EventBridge delivers it, called by `who` (an ARN)."""
    service = source.removeprefix("aws.")
    return {
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "AWS API Call via CloudTrail",
        "source": source, "account": "123456789012", "time": "2026-11-29T20:00:00Z", "region": "us-east-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.08", "eventSource": f"{service}.amazonaws.com", "eventName": event_name,
            "awsRegion": "us-east-1", "eventType": "AwsApiCall",
            "userIdentity": {"type": "AssumedRole", "arn": who},
            "requestParameters": request or {},
        },
    }


ECS = "cruddur-ecs-control-plane"
ECR = "cruddur-ecr-control-plane"
SCAN = "cruddur-ecr-scan-on-push-disabled"
SIGNED_BY_OTHER = "cruddur-release-key-signed-by-other"
KMS = "cruddur-kms-key-changes"
RELEASE_SESSION = "arn:aws:sts::123456789012:assumed-role/CruddurReleaseRole/github-actions-4711"
DEPLOY_SESSION = "arn:aws:sts::123456789012:assumed-role/cruddur-staging-deploy/github-actions-4711"
KEY = "arn:aws:kms:us-east-1:123456789012:key/6f1c2a9e-0b7d-4c1e-9a3f-2d5e8b7c4a10"


def kms_sign(who: str, event_name: str = "Sign", error: str | None = None) -> dict:
    """A KMS Sign/Verify record as CloudTrail writes it: key and algorithm, never the message."""
    event = cloudtrail_event("aws.kms", event_name, {"keyId": "alias/cruddur-release-signing",
                                                     "messageType": "DIGEST", "signingAlgorithm": "ECDSA_SHA_256"},
                             who=who)
    event["detail"]["readOnly"] = True
    event["detail"]["resources"] = [{"accountId": "123456789012", "type": "AWS::KMS::Key", "ARN": KEY}]
    if error:
        event["detail"]["errorCode"] = error
    return event


@pytest.mark.parametrize("who, fires", [
    (RELEASE_SESSION, False),
    (DEPLOY_SESSION, True),
    ("arn:aws:sts::123456789012:assumed-role/CruddurReleaseRoleCopy/ci", True),
    ("arn:aws:sts::123456789012:assumed-role/dev/mallory", True),
    ("arn:aws:iam::123456789012:user/mallory", True),
    ("arn:aws:iam::123456789012:root", True),
    ("arn:aws:sts::210987654321:assumed-role/CruddurReleaseRole/ci", True),
])
def test_a_signature_by_anyone_but_the_release_role_alerts(who, fires):
    assert _rule(SIGNED_BY_OTHER).matches_event(kms_sign(who)) is fires


def test_a_refused_signing_attempt_alerts_and_verifying_does_not():
    assert _rule(SIGNED_BY_OTHER).matches_event(kms_sign(DEPLOY_SESSION, error="AccessDenied"))
    assert not _rule(SIGNED_BY_OTHER).matches_event(kms_sign(DEPLOY_SESSION, "Verify"))
    assert not _rule(SIGNED_BY_OTHER).matches_event(kms_sign(DEPLOY_SESSION, "GetPublicKey"))


def test_the_signing_alert_is_enabled_for_read_only_events_and_names_the_registry_stacks_release_role():
    """Sign is a read-only management event: a plain ENABLED rule would never see it."""
    [rule] = [r["Properties"] for r in GUARDRAILS["Resources"].values()
              if r["Type"] == "AWS::Events::Rule" and r["Properties"]["Name"] == SIGNED_BY_OTHER]
    assert rule["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    registry = cfn_template.load(ROOT / "aws/cfn/registry/template.yaml")
    assert RELEASE_SESSION.split("/")[1] == registry["Resources"]["ReleaseRole"]["Properties"]["RoleName"]


@pytest.mark.parametrize("rule, event, fires", [
    (ECS, cloudtrail_event("aws.ecs", "RegisterTaskDefinition", {"family": "backend-flask"}), True),
    (ECS, cloudtrail_event("aws.ecs", "DeregisterTaskDefinition", {"taskDefinition": "backend-flask:3"}), True),
    (ECS, cloudtrail_event("aws.ecs", "CreateService", {"serviceName": "backend-flask"}), True),
    (ECS, cloudtrail_event("aws.ecs", "UpdateService", {"service": "backend-flask"}), True),
    (ECS, cloudtrail_event("aws.ecs", "DeleteService", {"service": "backend-flask"}), True),
    (ECS, cloudtrail_event("aws.ecs", "DeleteCluster", {"cluster": "cruddur"}), True),
    (ECS, cloudtrail_event("aws.ecs", "ExecuteCommand", {"task": "abc", "interactive": True}), True),
    (ECS, cloudtrail_event("aws.ecs", "DescribeServices", {"services": ["backend-flask"]}), False),
    (ECS, cloudtrail_event("aws.ecs", "ListTasks"), False),
    (ECS, cloudtrail_event("aws.ecr", "DeleteRepository", {"repositoryName": "backend-flask"}), False),
    (ECR, cloudtrail_event("aws.ecr", "SetRepositoryPolicy", {"repositoryName": "backend-flask"}), True),
    (ECR, cloudtrail_event("aws.ecr", "DeleteRepositoryPolicy", {"repositoryName": "backend-flask"}), True),
    (ECR, cloudtrail_event("aws.ecr", "PutLifecyclePolicy", {"repositoryName": "backend-flask"}), True),
    (ECR, cloudtrail_event("aws.ecr", "DeleteLifecyclePolicy", {"repositoryName": "backend-flask"}), True),
    (ECR, cloudtrail_event("aws.ecr", "PutImageTagMutability", {"imageTagMutability": "MUTABLE"}), True),
    (ECR, cloudtrail_event("aws.ecr", "DeleteRepository", {"repositoryName": "backend-flask"}), True),
    (ECR, cloudtrail_event("aws.ecr", "PutImage", {"repositoryName": "backend-flask"}), False),
    (ECR, cloudtrail_event("aws.ecr", "GetAuthorizationToken"), False),
    (ECR, cloudtrail_event("aws.ecs", "DeleteService", {"service": "backend-flask"}), False),
    (SCAN, cloudtrail_event("aws.ecr", "PutImageScanningConfiguration",
                            {"repositoryName": "backend-flask", "imageScanningConfiguration": {"scanOnPush": False}}),
     True),
    (SCAN, cloudtrail_event("aws.ecr", "PutImageScanningConfiguration",
                            {"repositoryName": "backend-flask", "imageScanningConfiguration": {"scanOnPush": True}}),
     False),
    (SCAN, cloudtrail_event("aws.ecr", "PutLifecyclePolicy", {"repositoryName": "backend-flask"}), False),
    (KMS, cloudtrail_event("aws.kms", "PutKeyPolicy", {"keyId": KEY, "policyName": "default"}), True),
    (KMS, cloudtrail_event("aws.kms", "DisableKey", {"keyId": KEY}), True),
    (KMS, cloudtrail_event("aws.kms", "ScheduleKeyDeletion", {"keyId": KEY, "pendingWindowInDays": 7}), True),
    (KMS, cloudtrail_event("aws.kms", "UpdateAlias", {"aliasName": "alias/cruddur-release-signing",
                                                      "targetKeyId": KEY}), True),
    (KMS, cloudtrail_event("aws.kms", "DeleteAlias", {"aliasName": "alias/cruddur-release-signing"}), True),
    (KMS, cloudtrail_event("aws.kms", "CreateAlias", {"aliasName": "alias/cruddur-release-signing-2027",
                                                      "targetKeyId": KEY}), True),
    (KMS, cloudtrail_event("aws.kms", "EnableKey", {"keyId": KEY}), False),
    (KMS, cloudtrail_event("aws.kms", "CancelKeyDeletion", {"keyId": KEY}), False),
    (KMS, cloudtrail_event("aws.kms", "DescribeKey", {"keyId": KEY}), False),
    (KMS, cloudtrail_event("aws.kms", "Sign", {"keyId": KEY}), False),
    (KMS, cloudtrail_event("aws.ecr", "DeleteRepository", {"repositoryName": "backend-flask"}), False),
])
def test_alert_rule_fires_on_the_actions_it_watches_only(rule, event, fires):
    assert _rule(rule).matches_event(event) is fires


def test_alerts_go_to_the_topic_and_name_who_what_and_which_resource():
    rules = [r["Properties"] for r in GUARDRAILS["Resources"].values() if r["Type"] == "AWS::Events::Rule"
             and r["Properties"]["Name"] != "cruddur-guardduty-findings"]  # findings have no caller: below
    for rule in rules:
        [target] = rule["Targets"]
        assert target["Arn"] == {"Ref": "AlertTopic"}
        assert target["InputTransformer"]["InputPathsMap"] == {
            "who": "$.detail.userIdentity.arn", "action": "$.detail.eventName", "region": "$.region",
            "time": "$.time", "request": "$.detail.requestParameters"}
    assert GUARDRAILS["Resources"]["AlertTopic"]["Properties"]["TopicName"] == "cruddur-alerts"


def test_trail_is_multi_region_validated_and_encrypted():
    trail = GUARDRAILS["Resources"]["Trail"]["Properties"]
    assert (trail["TrailName"], trail["IsMultiRegionTrail"], trail["EnableLogFileValidation"]) == \
        ("cruddur", True, True)
    assert trail["KMSKeyId"] == {"Fn::GetAtt": ["AuditKey", "Arn"]}
    [deny] = [s for s in GUARDRAILS["Resources"]["AuditBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
              if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_config_rules_cover_the_container_promises():
    identifiers = {r["Properties"]["Source"]["SourceIdentifier"] for r in GUARDRAILS["Resources"].values()
                   if r["Type"] == "AWS::Config::ConfigRule"}
    assert identifiers >= {"ECS_TASK_DEFINITION_NONROOT_USER", "ECS_CONTAINERS_NONPRIVILEGED",
                           "ECS_CONTAINERS_READONLY_ACCESS", "ECS_NO_ENVIRONMENT_SECRETS",
                           "ECR_PRIVATE_IMAGE_SCANNING_ENABLED", "ECR_PRIVATE_TAG_IMMUTABILITY_ENABLED",
                           "ECS_FARGATE_LATEST_PLATFORM_VERSION", "ECS_TASK_DEFINITION_LOG_CONFIGURATION"}


def _scp(name):
    return json.loads((ROOT / "aws/policies" / name).read_text())


def test_region_lock_denies_other_regions_except_global_services():
    [statement] = _scp("scp-region-lock.json")["Statement"]
    assert statement["Effect"] == "Deny" and statement["Resource"] == "*"
    assert statement["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}
    assert {"iam:*", "sts:*", "route53:*", "cloudfront:*", "organizations:*"} <= set(statement["NotAction"])
    assert not any(a.startswith(("ecs:", "ecr:", "ec2:", "rds:", "dynamodb:")) for a in statement["NotAction"])


def test_only_the_deploy_roles_may_delete_ecs_resources():
    [statement] = _scp("scp-protect-ecs.json")["Statement"]
    assert statement["Effect"] == "Deny"
    assert set(statement["Action"]) == {"ecs:DeleteCluster", "ecs:DeleteService", "ecs:DeregisterTaskDefinition",
                                        "ecs:DeleteTaskDefinitions"}
    exempt = statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    assert "arn:aws:iam::*:role/cruddur-*-deploy" in exempt
    iam = cfn_template.load(ROOT / "aws/cfn/iam/template.yaml")
    assert iam["Resources"]["DeployRole"]["Properties"]["RoleName"] == {"Fn::Sub": "cruddur-${Environment}-deploy"}
    # Every environment's deploy role is exempt with no edit; nothing else the stacks make is.
    for role in ("cruddur-staging-deploy", "cruddur-prod-deploy"):
        assert any(fnmatch.fnmatchcase(f"arn:aws:iam::123456789012:role/{role}", p) for p in exempt), role
    for role in ("cruddur-staging-task-execution", "CruddurReleaseRole", "cruddur-staging-deploy-copy"):
        assert not any(fnmatch.fnmatchcase(f"arn:aws:iam::123456789012:role/{role}", p) for p in exempt), role


def test_every_environment_runs_in_a_region_the_region_lock_allows():
    """The lock is a list on purpose: a new region is a deliberate change to it; a new environment is not."""
    [statement] = _scp("scp-region-lock.json")["Statement"]
    allowed = statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    regions = {name: config.load_environment(ROOT, name).region for name in config.known_environments(ROOT)}
    assert {name: region for name, region in regions.items() if region not in allowed} == {}


def test_one_guardrails_stack_per_region_and_only_the_trail_region_holds_the_trail():
    trail = GUARDRAILS["Resources"]["Trail"]
    assert trail["Condition"] == "InTrailRegion" and trail["Properties"]["IsMultiRegionTrail"] is True
    assert GUARDRAILS["Conditions"]["InTrailRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "TrailRegion"}]}
    recording = GUARDRAILS["Resources"]["ConfigRecorder"]["Properties"]["RecordingGroup"]
    assert recording["IncludeGlobalResourceTypes"] == {"Fn::If": ["InTrailRegion", True, False]}
    assert "Environment" not in GUARDRAILS["Parameters"]  # the account's, shared by every environment


def test_nobody_may_stop_cloudtrail_or_config():
    actions = {a for s in _scp("scp-protect-audit.json")["Statement"] if s["Effect"] == "Deny" for a in s["Action"]}
    assert {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "config:StopConfigurationRecorder",
            "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel"} <= actions


ENDPOINT_SERVICES = {"ecr.api", "ecr.dkr", "logs", "ssm", "ssmmessages", "s3", "dynamodb"}


def test_private_endpoints_option_deploys_endpoints_reachable_only_from_the_services(cli, aws):
    result = cli(["cfn-deploy", "network", "--yes", "-p", "PrivateEndpoints=true", "-p", "NatGateway=false"], aws=aws)
    assert result.code == 0, result.stderr
    endpoints = aws.ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert {e["ServiceName"].removeprefix("com.amazonaws.us-east-1.") for e in endpoints} == ENDPOINT_SERVICES
    groups = {g["GroupName"]: g for g in aws.ec2.describe_security_groups()["SecurityGroups"]}
    sources = {(r["FromPort"], p["GroupId"]) for r in groups["cruddur-staging-endpoints"]["IpPermissions"]
               for p in r["UserIdGroupPairs"]}
    assert sources == {(443, groups["cruddur-staging-backend-flask"]["GroupId"]),
                       (443, groups["cruddur-staging-frontend-react-js"]["GroupId"])}
    assert all(r["IpRanges"] == [] for r in groups["cruddur-staging-endpoints"]["IpPermissions"])
    assert not any("NatGatewayId" in r
                   for t in aws.ec2.describe_route_tables()["RouteTables"] for r in t["Routes"])


def test_network_by_default_gives_private_subnets_a_nat_gateway_and_no_endpoints(cli, aws):
    assert cli(["cfn-deploy", "network", "--yes"], aws=aws).code == 0
    assert aws.ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    [nat] = aws.ec2.describe_nat_gateways()["NatGateways"]
    tables = aws.ec2.describe_route_tables()["RouteTables"]
    [private] = [t for t in tables if any(r.get("NatGatewayId") == nat["NatGatewayId"] for r in t["Routes"])]
    assert [r["DestinationCidrBlock"] for r in private["Routes"] if r.get("NatGatewayId")] == ["0.0.0.0/0"]
    assert not any(r.get("GatewayId", "").startswith("igw-") for r in private["Routes"])


def guardduty_finding(severity: float) -> dict:
    return {"version": "0", "id": "f1", "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
            "account": "123456789012", "time": "2026-12-02T01:00:00Z", "region": "us-east-1", "resources": [],
            "detail": {"type": "Execution:Runtime/ReverseShell", "severity": severity,
                       "title": "A reverse shell was opened in a backend-flask task."}}


@pytest.mark.parametrize("severity, fires", [(8.0, True), (4.0, True), (2.0, False)])
def test_guardduty_findings_of_medium_severity_or_more_alert(severity, fires):
    assert _rule("cruddur-guardduty-findings").matches_event(guardduty_finding(severity)) is fires


def test_runtime_monitoring_watches_the_fargate_tasks_and_its_findings_reach_the_alerts_topic():
    detector = GUARDRAILS["Resources"]["ThreatDetector"]["Properties"]
    [runtime] = detector["Features"]
    assert (detector["Enable"], runtime["Name"], runtime["Status"]) == (True, "RUNTIME_MONITORING", "ENABLED")
    assert runtime["AdditionalConfiguration"] == [{"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"}]
    [target] = GUARDRAILS["Resources"]["ThreatFindingsRule"]["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "AlertTopic"}
    assert set(target["InputTransformer"]["InputPathsMap"]) == {"type", "severity", "title", "region", "time"}
