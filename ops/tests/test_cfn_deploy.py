"""bin/cfn/deploy against the AWS emulator (moto server over HTTP), through the real command line.

Emulator limits, measured with moto 5.2.5 and written down rather than worked around:
- Its CloudFormation skips resource types it does not model (EMULATOR_GAPS below), so those are covered by
  cfn-lint and checkov only.
- A stack created through a change set gets no outputs or exports here; test_cfn_stack_chain.py fills
  that gap to deploy the stacks that import one another (cluster, signing). data and dns name resources
  moto cannot create in their outputs or listener, so they are lint/checkov only.
- Its AWS::KMS::Key ignores KeySpec and KeyUsage: the signing stack's key would come out symmetric, so that
  stack is deployed only by test_cfn_stack_chain.py, whose emulator creates the key as the template asks.
- A resource that fails makes ExecuteChangeSet itself fail instead of a rollback with events, so the
  rollback path (failed resources and their reasons) is tested with botocore's Stubber speaking the real
  CloudFormation API shapes.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess

import boto3
import pytest
from botocore.stub import Stubber
from moto.cloudformation.parsing import get_model_map

from cruddur_ops import cfn_deploy, cfn_stacks, cfn_template, config
from cruddur_ops.errors import FAILED, TIMED_OUT, OpsError
from cruddur_ops.output import Output

STACKS = ["avatars", "cluster", "data", "dns", "guardrails", "iam", "monitoring", "network", "registry", "signing"]

# Resource types of each stack that moto's CloudFormation cannot create.
EMULATOR_GAPS = {
    "avatars": {"AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl", "AWS::CloudFront::CachePolicy",
                "AWS::CloudFront::ResponseHeadersPolicy", "AWS::S3::BucketPolicy"},  # test_cfn_avatars.py
    "network": set(),
    "registry": set(),
    "iam": set(),
    "signing": set(),  # it creates the key, but symmetric: test_cfn_stack_chain.py's emulator fixes that
    "cluster": {"AWS::ServiceDiscovery::HttpNamespace", "AWS::CloudWatch::Alarm",  # alarms: test_cfn_alarms.py
                "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription"},
    "data": {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"},
    "monitoring": {"AWS::CloudWatch::Alarm"},  # test_cfn_alarms.py
    "dns": {"AWS::CertificateManager::Certificate", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation",
            "AWS::WAFv2::LoggingConfiguration"},  # the edge: test_cfn_edge.py
    "guardrails": {"AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription",
                   "AWS::CloudTrail::Trail", "AWS::Config::ConfigurationRecorder",
                   "AWS::Config::DeliveryChannel", "AWS::Config::ConfigRule",
                   "AWS::GuardDuty::Detector"},  # the detector's features: test_guardrails.py, audit's tests
}
# avatars imports the dns stack's web origin, which the emulator cannot make: test_cfn_avatars.py reads it.
CHAIN_OR_LINT_ONLY = {"avatars", "cluster", "data", "dns", "monitoring", "signing"}
# One per account and region, shared by every environment: no Environment parameter, named cruddur-<stack>.
ACCOUNT_STACKS = {"registry", "signing", "guardrails"}


def _types(repo_root, stack):
    template = cfn_template.load(repo_root / "aws" / "cfn" / stack / "template.yaml")
    return {r["Type"] for r in template["Resources"].values()}


@pytest.mark.parametrize("stack", STACKS)
def test_emulator_gaps_are_exactly_the_documented_ones(repo_root, stack):
    unsupported = _types(repo_root, stack) - set(get_model_map())
    assert unsupported == EMULATOR_GAPS[stack], f"{stack}: moto cannot create {sorted(unsupported)}"


def test_every_stack_is_either_deployed_in_the_emulator_or_listed_as_lint_only(repo_root):
    assert sorted(p.parent.name for p in (repo_root / "aws/cfn").glob("*/template.yaml")) == STACKS
    assert set(DEPLOYED) | CHAIN_OR_LINT_ONLY == set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_is_the_environments_or_the_accounts_by_its_environment_parameter(repo_root, stack):
    template = cfn_template.load(repo_root / "aws" / "cfn" / stack / "template.yaml")
    expected = f"cruddur-{stack}" if stack in ACCOUNT_STACKS else f"cruddur-prod-{stack}"
    assert cfn_stacks.stack_name(repo_root, stack, config.Environment("prod")) == expected
    if stack not in ACCOUNT_STACKS:
        assert "Default" not in template["Parameters"]["Environment"], "a deploy must say which environment"


def _network(aws):
    vpc = aws.ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["cruddur-staging"]}])["Vpcs"]
    assert [v["CidrBlock"] for v in vpc] == ["10.0.0.0/16"]
    subnets = aws.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc[0]["VpcId"]]}])["Subnets"]
    assert len(subnets) == 4 and len({s["AvailabilityZone"] for s in subnets}) == 2
    groups = {g["GroupName"]: g for g in aws.ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc[0]["VpcId"]]}])["SecurityGroups"]}
    assert {"cruddur-staging-alb", "cruddur-staging-backend-flask", "cruddur-staging-frontend-react-js",
            "cruddur-staging-database"} <= set(groups)
    alb_ports = sorted(p["FromPort"] for p in groups["cruddur-staging-alb"]["IpPermissions"])
    assert alb_ports == [80, 443]
    db_rules = groups["cruddur-staging-database"]["IpPermissions"]
    assert [(r["FromPort"], [p["GroupId"] for p in r["UserIdGroupPairs"]]) for r in db_rules] == \
        [(5432, [groups["cruddur-staging-backend-flask"]["GroupId"]])]
    for service, port in (("cruddur-staging-backend-flask", 4567), ("cruddur-staging-frontend-react-js", 3000)):
        sources = [(rule["FromPort"], pair["GroupId"])
                   for rule in groups[service]["IpPermissions"] for pair in rule["UserIdGroupPairs"]]
        assert sources == [(port, groups["cruddur-staging-alb"]["GroupId"])], service


def _registry(aws):
    repos = {r["repositoryName"]: r for r in aws.ecr.describe_repositories()["repositories"]}
    assert set(repos) == {"backend-flask", "frontend-react-js"}
    for name, repo in repos.items():
        assert repo["imageTagMutability"] == "IMMUTABLE", name
    assert [r["RoleName"] for r in aws.iam.list_roles()["Roles"]] == ["CruddurReleaseRole"]
    assert aws.iam.list_role_policies(RoleName="CruddurReleaseRole")["PolicyNames"] == ["cruddur-release"]
    # moto's CloudFormation drops the lifecycle policy and keeps ScanOnPush in a casing the ECR API response
    # loses: the template tests and checkov's CKV_AWS_163 cover those two.


def _iam(aws):
    policies = {r["RoleName"]: aws.iam.list_role_policies(RoleName=r["RoleName"])["PolicyNames"]
                for r in aws.iam.list_roles()["Roles"]}
    assert policies == {
        "cruddur-staging-task-execution": ["cruddur-execution"],
        "cruddur-staging-backend-flask-task": ["cruddur-messages", "cruddur-avatars"],
        "cruddur-staging-frontend-react-js-task": [],
        "cruddur-staging-deploy": ["cruddur-deploy"],
        "cruddur-staging-ecs-load-balancer": [],
        "cruddur-staging-ecs-hook": ["cruddur-ecs-hook"],
        "cruddur-staging-smoke-test": ["cruddur-smoke-test"],
    }
    # moto's CloudFormation creates the managed policy but does not attach ManagedPolicyArns to roles.
    assert [p["PolicyName"] for p in aws.iam.list_policies(Scope="Local")["Policies"]] == ["cruddur-staging-ecs-exec"]
    # What the policies allow is proven on the template itself (test_policies.py): moto hands the
    # documents back as Python reprs rather than JSON.


def _guardrails(aws):
    rules = {r["Name"]: r for r in aws.events.list_rules()["Rules"]}
    assert set(rules) == {"cruddur-ecs-control-plane", "cruddur-ecr-control-plane",
                          "cruddur-ecr-scan-on-push-disabled", "cruddur-release-key-signed-by-other",
                          "cruddur-kms-key-changes", "cruddur-guardduty-findings"}
    assert rules["cruddur-release-key-signed-by-other"]["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    topic = "arn:aws:sns:us-east-1:123456789012:cruddur-alerts"
    assert topic in [t["TopicArn"] for t in aws.sns.list_topics()["Topics"]]
    for name in rules:
        [target] = aws.events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"] == topic
        said = "<type> (severity <severity>)" if name == "cruddur-guardduty-findings" else "<who> called <action>"
        assert said in target["InputTransformer"]["InputTemplate"]
    # moto's CloudFormation creates the bucket but ignores its versioning and public access block
    # properties; cfn-lint and checkov cover those.
    [bucket] = aws.s3.list_buckets()["Buckets"]
    assert bucket["Name"] == "cruddur-audit-123456789012-us-east-1"
    [rule] = aws.s3.get_bucket_encryption(Bucket=bucket["Name"])["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"


DEPLOYED = {"network": _network, "registry": _registry, "iam": _iam, "guardrails": _guardrails}


@pytest.mark.parametrize("stack", sorted(DEPLOYED))
def test_deploy_creates_the_stack_in_the_emulator(cli, aws, stack):
    result = cli(["cfn-deploy", stack, "--yes"], aws=aws)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    name = f"cruddur-{stack}" if stack in ACCOUNT_STACKS else f"cruddur-staging-{stack}"
    assert lines[0].startswith(f"{name}: creating change set cruddur-") and lines[0].endswith("(CREATE)")
    assert lines[1].split() == ["ACTION", "RESOURCE", "TYPE", "REPLACEMENT"]
    assert any(line.split()[:1] == ["Add"] for line in lines[2:])
    assert lines[-1] == f"{name}: CREATE_COMPLETE"
    assert any("CREATE_COMPLETE" in line and "AWS::CloudFormation::Stack" in line for line in lines)
    DEPLOYED[stack](aws)


def test_deploying_an_unchanged_stack_reports_no_changes(cli, aws):
    assert cli(["cfn-deploy", "registry", "--yes"], aws=aws).code == 0
    again = cli(["cfn-deploy", "registry", "--yes"], aws=aws)
    assert (again.code, again.stdout.splitlines()[-1]) == (0, "cruddur-registry: no changes")


def test_declined_change_set_is_deleted_and_nothing_is_created(aws, repo_root):
    out = io.StringIO()
    request = cfn_deploy.ChangeRequest("cruddur-registry", (repo_root / "aws/cfn/registry/template.yaml")
                                       .read_text(), {})
    code = cfn_deploy.deploy(aws.cloudformation, request, out=Output(out, out, tty=False),
                             confirm=lambda prompt: False, clock=lambda: 0.0, sleep=lambda s: None)
    assert code == FAILED
    assert out.getvalue().splitlines()[-1] == "cruddur-registry: not executed; change set deleted"
    assert aws.cloudformation.list_change_sets(StackName="cruddur-registry")["Summaries"] == []
    assert aws.ecr.describe_repositories()["repositories"] == []


def test_a_template_made_to_fail_exits_1_with_the_reason(cli, aws, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "Resources:\n"
        "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.9.0.0/16}}\n"
        "  Subnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: not-an-address-range}}\n"
    )
    result = cli(["cfn-deploy", "broken", "--template", str(broken), "--yes"], aws=aws)
    assert result.code == 1
    assert result.stderr.startswith("error: ExecuteChangeSet: InvalidParameterValue:")
    assert "not-an-address-range" in result.stderr


def test_unknown_stack_is_refused(cli, aws):
    result = cli(["cfn-deploy", "nope", "--yes"], aws=aws)
    assert result.code == 1
    assert result.stderr.startswith("error: unknown stack 'nope' (known: avatars, cluster, data, dns, guardrails,")


# --- The rollback path, scripted with botocore's Stubber in CloudFormation's real response shapes ----------

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/cruddur-data/0f6e"
CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/cruddur-1/9a1b"


def _event(n, logical_id, rtype, status, reason=None):
    event = {"StackId": STACK_ID, "EventId": f"e{n}", "StackName": "cruddur-data", "LogicalResourceId": logical_id,
             "ResourceType": rtype, "ResourceStatus": status,
             "Timestamp": dt.datetime(2026, 11, 29, 20, 0, n, tzinfo=dt.timezone.utc)}
    if reason:
        event["ResourceStatusReason"] = reason
    return event


def _stack(status, reason=None):
    stack = {"StackId": STACK_ID, "StackName": "cruddur-data", "StackStatus": status,
             "CreationTime": dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.timezone.utc)}
    if reason:
        stack["StackStatusReason"] = reason
    return {"Stacks": [stack]}


def test_a_rolled_back_stack_prints_each_failed_resource_and_its_reason(clock):
    cfn = boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(cfn)
    stub.add_client_error("describe_stacks", "ValidationError", "Stack with id cruddur-data does not exist")
    stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stub.add_response("describe_change_set", {"Status": "CREATE_IN_PROGRESS", "Changes": []})
    stub.add_response("describe_change_set", {"Status": "CREATE_COMPLETE", "Changes": [
        {"Type": "Resource", "ResourceChange": {"Action": "Add", "LogicalResourceId": "Database",
                                                "ResourceType": "AWS::RDS::DBInstance"}}]})
    stub.add_response("describe_stack_events", {"StackEvents": [
        _event(0, "cruddur-data", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS")]})
    stub.add_response("execute_change_set", {})
    stub.add_response("describe_stack_events", {"StackEvents": [
        _event(2, "Database", "AWS::RDS::DBInstance", "CREATE_FAILED",
               "Cannot find version 18 for postgres (Service: Rds, Status Code: 400)"),
        _event(1, "cruddur-data", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
        _event(0, "cruddur-data", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS")]})
    stub.add_response("describe_stacks", _stack("ROLLBACK_IN_PROGRESS",
                                                 "The following resource(s) failed to create: [Database]."))
    stub.add_response("describe_stack_events", {"StackEvents": [
        _event(3, "cruddur-data", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
        _event(2, "Database", "AWS::RDS::DBInstance", "CREATE_FAILED", "ignored: already seen")]})
    stub.add_response("describe_stacks", _stack("ROLLBACK_COMPLETE",
                                                "The following resource(s) failed to create: [Database]."))
    out = io.StringIO()
    with stub, pytest.raises(OpsError) as failure:
        cfn_deploy.deploy(cfn, cfn_deploy.ChangeRequest("cruddur-data", "{}", {}), out=Output(out, out, tty=False),
                          confirm=lambda prompt: True, clock=clock, sleep=clock.sleep, change_set_name="cruddur-1")
    stub.assert_no_pending_responses()
    assert failure.value.exit_code == FAILED
    assert str(failure.value).splitlines() == [
        "cruddur-data ended ROLLBACK_COMPLETE: The following resource(s) failed to create: [Database].",
        "failed resources:",
        "Database  AWS::RDS::DBInstance  Cannot find version 18 for postgres (Service: Rds, Status Code: 400)",
    ]
    printed = out.getvalue().splitlines()
    assert [line.split()[1] for line in printed if line[:2] == "20"] == \
        ["CREATE_IN_PROGRESS", "CREATE_FAILED", "ROLLBACK_COMPLETE"]
    assert clock.sleeps == [5.0, 5.0]


def test_a_stack_that_outlasts_the_timeout_exits_4(clock):
    cfn = boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(cfn)
    stub.add_client_error("describe_stacks", "ValidationError", "Stack with id cruddur-data does not exist")
    stub.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stub.add_response("describe_change_set", {"Status": "CREATE_COMPLETE", "Changes": []})
    stub.add_response("describe_stack_events", {"StackEvents": []})
    stub.add_response("execute_change_set", {})
    for _ in range(3):  # at 0 s and 5 s it waits again; at 10 s the 10 s timeout has passed
        stub.add_response("describe_stack_events", {"StackEvents": []})
        stub.add_response("describe_stacks", _stack("CREATE_IN_PROGRESS"))
    out = io.StringIO()
    with stub, pytest.raises(OpsError) as failure:
        cfn_deploy.deploy(cfn, cfn_deploy.ChangeRequest("cruddur-data", "{}", {}), out=Output(out, out, tty=False),
                          confirm=lambda prompt: True, clock=clock, sleep=clock.sleep, timeout=10)
    stub.assert_no_pending_responses()
    assert failure.value.exit_code == TIMED_OUT
    assert str(failure.value) == "cruddur-data still CREATE_IN_PROGRESS after 10s; CloudFormation carries on without us"
    assert clock.sleeps == [5.0, 5.0]


def _door(repo_root, aws, *argv):
    env = {**os.environ, "AWS_ENDPOINT_URL": aws.endpoint_url}
    return subprocess.run([str(repo_root / "bin/cfn/deploy"), *argv], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, timeout=120)


def test_the_door_without_yes_and_without_a_terminal_never_executes(aws, repo_root):
    result = _door(repo_root, aws, "registry")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1].endswith("cruddur-registry: not executed; change set deleted")
    assert aws.ecr.describe_repositories()["repositories"] == []


def test_the_door_with_yes_deploys(aws, repo_root):
    result = _door(repo_root, aws, "registry", "--yes")
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "cruddur-registry: CREATE_COMPLETE")
