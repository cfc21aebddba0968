"""The stacks in deploy order, each importing the exports of the one before, through bin/cfn/deploy.

moto 5.2.5 gives change-set stacks neither imports nor outputs; this module's emulator loads
tests/emulator_fixes/sitecustomize.py, which gives them what moto's CreateStack path already does, and
creates KMS keys with the template's KeySpec and KeyUsage, which moto's CloudFormation ignores (see its
docstring). Everything else is the plain emulator over HTTP. Stacks whose outputs name resources moto
cannot create (data: Cognito; dns: ACM; guardrails: CloudTrail, Config) cannot be deployed here with
outputs; test_cfn_deploy.py covers what the plain emulator does with them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cruddur_ops import cfn_template, config
from devstack.moto import FAKE_CREDENTIALS, MotoServer
from tests.test_cfn_deploy import EMULATOR_GAPS

FIXES = Path(__file__).resolve().parent / "emulator_fixes"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(FIXES), os.environ.get("PYTHONPATH")])))
        server = MotoServer.start(log=tmp_path_factory.mktemp("moto-chain") / "moto.log")
    yield server
    server.stop()


def _deploy(cli, aws, stack, *parameters, env="staging"):
    result = cli(["cfn-deploy", stack, "--yes", "--env", env, *[f"-p{p}" for p in parameters]], aws=aws)
    assert result.code == 0, result.stderr
    return json.loads(cli(["cfn-outputs", stack, "--env", env, "--output", "json"], aws=aws).stdout)


ENVIRONMENTS = ("staging", "prod")
ENVIRONMENT_STACKS = ("network", "iam", "cluster", "monitoring")  # the environment's stacks the emulator can create


@pytest.fixture
def two_environments(cli, aws):
    """The account's registry and release key, then staging and prod side by side, each deployed exactly as
    docs/infrastructure.md says (the environment file's parameters, DeletionProtection=false for the
    emulator's sake); each environment's outputs by stack."""
    account = {"registry": _deploy(cli, aws, "registry"), "signing": _deploy(cli, aws, "signing")}
    deployed = {env: {stack: _deploy(cli, aws, stack, *(["DeletionProtection=false"] if stack == "cluster" else []),
                                     env=env)
                      for stack in ENVIRONMENT_STACKS} for env in ENVIRONMENTS}
    return account, deployed


def test_each_environments_stacks_deploy_in_order_and_export_what_task_definitions_need(aws, two_environments):
    account, deployed = two_environments
    assert account["registry"]["BackendRepositoryUri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask"
    assert account["registry"]["ReleaseRoleArn"] == "arn:aws:iam::123456789012:role/CruddurReleaseRole"
    assert account["signing"]["ReleaseSigningKeyAlias"] == "alias/cruddur-release-signing"
    assert account["signing"]["ReleaseSigningKeyArn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    for env, outputs in deployed.items():
        network, iam, cluster, monitoring = (outputs[stack] for stack in ENVIRONMENT_STACKS)
        assert monitoring["DashboardName"] == f"cruddur-{env}"
        body = json.loads(aws.cloudwatch.get_dashboard(DashboardName=f"cruddur-{env}")["DashboardBody"])
        balancer_metrics = [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]
                            if m[0] == "AWS/ApplicationELB"]
        [alb_arn] = [b["LoadBalancerArn"] for b in
                     aws.elbv2.describe_load_balancers(Names=[f"cruddur-{env}-alb"])["LoadBalancers"]]
        assert {m[m.index("LoadBalancer") + 1] for m in balancer_metrics} == {alb_arn.split(":loadbalancer/")[1]}
        assert {m[m.index("TargetGroup") + 1] for m in balancer_metrics} == {
            cluster[key].split(":")[5] for key in ("BackendTargetGroupArn", "FrontendTargetGroupArn")}
        assert len(network["PrivateSubnetIds"].split(",")) == 2
        assert network["BackendSecurityGroupId"] != network["FrontendSecurityGroupId"]
        assert iam["ExecutionRoleArn"] == f"arn:aws:iam::123456789012:role/cruddur-{env}-task-execution"
        assert iam["BackendTaskRoleArn"] == f"arn:aws:iam::123456789012:role/cruddur-{env}-backend-flask-task"
        assert iam["DeployRoleArn"] == f"arn:aws:iam::123456789012:role/cruddur-{env}-deploy"
        assert iam["ParameterPathArn"] == f"arn:aws:ssm:us-east-1:123456789012:parameter/cruddur/{env}/backend-flask"
        assert (cluster["ClusterName"], cluster["BackendLogGroupName"], cluster["FrontendLogGroupName"]) == \
            (f"cruddur-{env}", f"/cruddur/{env}/backend-flask", f"/cruddur/{env}/frontend-react-js")
        assert cluster["AlarmTopicArn"] == f"arn:aws:sns:us-east-1:123456789012:cruddur-{env}-alarms"

        # moto's CloudFormation ignores ClusterSettings (Container Insights): checkov's CKV_AWS_65 covers it.
        assert [c["clusterName"] for c in aws.ecs.describe_clusters(clusters=[f"cruddur-{env}"])["clusters"]] == \
            [f"cruddur-{env}"]
        groups = {g["logGroupName"]: g
                  for g in aws.logs.describe_log_groups(logGroupNamePrefix=f"/cruddur/{env}/")["logGroups"]}
        assert groups[f"/cruddur/{env}/backend-flask"]["retentionInDays"] == 30

        [alb] = aws.elbv2.describe_load_balancers(Names=[f"cruddur-{env}-alb"])["LoadBalancers"]
        assert {z["SubnetId"] for z in alb["AvailabilityZones"]} == set(network["PublicSubnetIds"].split(","))
        assert alb["SecurityGroups"] == [network["LoadBalancerSecurityGroupId"]]
        [http] = aws.elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
        assert (http["Port"], http["DefaultActions"][0]["RedirectConfig"]["StatusCode"]) == (80, "HTTP_301")
        targets = {t["TargetGroupName"]: t for t in aws.elbv2.describe_target_groups()["TargetGroups"]}
        backend, frontend = targets[f"cruddur-{env}-backend"], targets[f"cruddur-{env}-frontend"]
        assert backend["TargetGroupArn"] == cluster["BackendTargetGroupArn"]
        assert (backend["TargetType"], backend["HealthCheckPath"], backend["VpcId"]) == \
            ("ip", "/api/health-check", network["VpcId"])
        assert (frontend["Port"], frontend["HealthCheckPath"]) == (3000, "/health-check")


def _named_resources(aws, stack: str) -> dict[str, str]:
    """Every resource of a deployed stack by logical id: its physical id (a name, an id or an ARN). moto
    also lists entries with neither, which stand for nothing in the template."""
    summaries = aws.cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries if r["LogicalResourceId"]}


def _everything_said(aws, env: str, outputs: dict) -> str:
    """What the environment's stacks and resources say about other resources, as one text: parameters,
    outputs, role policies, security group rules, the load balancer's and target groups' attachments."""
    said = {"outputs": outputs}
    for stack in ENVIRONMENT_STACKS:
        said[stack] = aws.cloudformation.describe_stacks(StackName=f"cruddur-{env}-{stack}")["Stacks"][0]["Parameters"]
    for role in aws.iam.list_roles()["Roles"]:
        if role["RoleName"].startswith(f"cruddur-{env}-"):
            said[role["RoleName"]] = [aws.iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)
                                      ["PolicyDocument"] for name in
                                      aws.iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]]
    vpc = outputs["network"]["VpcId"]
    said["security groups"] = aws.ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    said["load balancer"] = aws.elbv2.describe_load_balancers(Names=[f"cruddur-{env}-alb"])["LoadBalancers"]
    said["target groups"] = [t for t in aws.elbv2.describe_target_groups()["TargetGroups"] if t["VpcId"] == vpc]
    return json.dumps(said, default=str)


def test_two_environments_side_by_side_share_no_name_and_point_only_at_their_own(aws, two_environments):
    _, deployed = two_environments
    physical = {env: {f"{stack}/{logical}": physical_id for stack in ENVIRONMENT_STACKS
                      for logical, physical_id in _named_resources(aws, f"cruddur-{env}-{stack}").items()}
                for env in ENVIRONMENTS}
    # Every resource the emulator can create (the endpoints are off by default), not a sample.
    templates = {stack: cfn_template.load(ROOT / "aws/cfn" / stack / "template.yaml") for stack in ENVIRONMENT_STACKS}
    expected = {f"{stack}/{logical}" for stack, template in templates.items()
                for logical, resource in template["Resources"].items()
                if resource["Type"] not in EMULATOR_GAPS[stack] and resource.get("Condition") != "WithEndpoints"}
    assert physical["staging"].keys() == physical["prod"].keys() == expected
    ids = {env: {physical_id for physical_id in found.values() if physical_id}  # moto ids no ingress rule
           for env, found in physical.items()}
    assert ids["staging"] & ids["prod"] == set()

    for env, other in (("staging", "prod"), ("prod", "staging")):
        said = _everything_said(aws, env, deployed[env])
        assert f"cruddur-{env}" in said
        # A name of the other environment, or an id CloudFormation made for one of its resources (a VPC, a
        # subnet, a security group, an ARN), appears nowhere in what this one's resources refer to.
        foreign = [f"cruddur-{other}", f"/cruddur/{other}/",
                   *[p for p in physical[other].values() if len(p) > 8 and p not in physical[env].values()]]
        assert [name for name in foreign if name in said] == []


def test_each_environments_files_render_against_its_own_stacks(cli, aws, two_environments):
    """The task definition and service files, rendered for each environment from its stacks' outputs (data,
    dns and avatars, which the emulator cannot create, given as flags), point at that environment's resources."""
    _, deployed = two_environments
    rendered = {}
    for env in ENVIRONMENTS:
        given = ["--var", "AWS_COGNITO_USER_POOL_ID=us-east-1_abc", "--var", "AWS_COGNITO_USER_POOL_CLIENT_ID=c",
                 "--var", f"FRONTEND_URL=https://{env}.example.com", "--var", f"BACKEND_URL=https://api.{env}.example.com",
                 "--var", f"AVATAR_UPLOADS_BUCKET=cruddur-{env}-avatar-uploads-1", "--var",
                 f"AVATARS_BUCKET=cruddur-{env}-avatars-1", "--var", f"AVATARS_URL=https://{env}.cloudfront.example",
                 "--image-tag", "0123456789ab"]
        result = cli(["render", "backend-flask", "--env", env, *given], aws=aws, environ={})
        assert result.code == 0, result.stderr
        rendered[env] = json.loads(result.stdout)
    for env, other in (("staging", "prod"), ("prod", "staging")):
        task, service = rendered[env]["taskDefinition"], rendered[env]["service"]
        assert task["executionRoleArn"] == deployed[env]["iam"]["ExecutionRoleArn"]
        assert service["loadBalancers"][0]["targetGroupArn"] == deployed[env]["cluster"]["BackendTargetGroupArn"]
        assert service["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == \
            deployed[env]["network"]["PrivateSubnetIds"].split(",")
        text = json.dumps(rendered[env])
        others = [f"cruddur-{other}", f"/{other}/",
                  *(value for outputs in deployed[other].values() for value in outputs.values())]
        assert [value for value in others if value in text] == []


def test_updating_a_stack_sets_named_parameters_and_keeps_the_others(cli, aws):
    _deploy(cli, aws, "network")
    result = cli(["cfn-deploy", "network", "--yes", "-p", "PrivateEndpoints=true"], aws=aws)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(UPDATE)")
    # moto diffs templates only: a parameter-only update lists no changes and adds no conditional resources
    # here (test_guardrails.py deploys the endpoints from scratch instead).
    assert lines[1] == "(the change set lists no resource changes)"
    assert lines[-1] == "cruddur-staging-network: UPDATE_COMPLETE"
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in
                  aws.cloudformation.describe_stacks(StackName="cruddur-staging-network")["Stacks"][0]["Parameters"]}
    assert (parameters["PrivateEndpoints"], parameters["VpcCidr"]) == ("true", "10.0.0.0/16")


def test_the_signing_stack_makes_a_p256_signing_key_whose_policy_names_the_release_and_deploy_roles(cli, aws):
    registry = _deploy(cli, aws, "registry")
    signing = _deploy(cli, aws, "signing")
    key = aws.kms.describe_key(KeyId="alias/cruddur-release-signing")["KeyMetadata"]
    assert (key["Arn"], key["KeySpec"], key["KeyUsage"], key["Enabled"]) == \
        (signing["ReleaseSigningKeyArn"], "ECC_NIST_P256", "SIGN_VERIFY", True)
    policy = json.loads(aws.kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["ReleaseRoleSigns"]["Principal"]["AWS"] == registry["ReleaseRoleArn"]
    assert statements["DeployersVerify"]["Condition"]["ArnLike"] == \
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/cruddur-*-deploy"}
    # The key the deploy tooling will use: an ECDSA P-256 signature over a digest verifies, another does not.
    # (moto does not act out key policies, so who may sign is proven on the template: test_policies.py.)
    digest = bytes.fromhex("ab" * 32)
    signature = aws.kms.sign(KeyId="alias/cruddur-release-signing", Message=digest, MessageType="DIGEST",
                             SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    for message, valid in ((digest, True), (bytes.fromhex("cd" * 32), False)):
        assert aws.kms.verify(KeyId="alias/cruddur-release-signing", Message=message, MessageType="DIGEST",
                              Signature=signature, SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"] is valid



# --- docs/infrastructure.md, "Second environment in ten minutes", followed command by command ---------------

def _walkthrough() -> list[str]:
    """The commands of the walkthrough's fenced block, in order, without their comments."""
    text = (ROOT / "docs/infrastructure.md").read_text()
    section = text.split("### Second environment in ten minutes", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


# The stacks moto cannot create (test_cfn_deploy.EMULATOR_GAPS: Cognito in data; ACM, WAF in dns): for these
# the test holds the change set, the request the command made, to the environment file instead.
CANNOT_CREATE = {"data", "dns"}


def _checkout(tmp_path) -> Path:
    """What the doors need of the repository, in a copy the walkthrough may add a file to."""
    root = tmp_path / "checkout"
    for part in ("aws", "bin", "ops/cruddur_ops"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".venv").symlink_to(ROOT / ".venv")
    (root / "backend-flask").mkdir()
    (root / "backend-flask/.env.demo").write_text("CONNECTION_URL=postgresql://cruddur@demo-db/cruddur\n")
    return root


def test_the_second_environment_walkthrough_runs_as_written(cli, aws, tmp_path):
    commands = _walkthrough()
    assert commands[0] == "cp aws/environments/staging.toml aws/environments/demo.toml"
    for stack in ("registry", "signing"):  # "the account stacks already deployed"
        _deploy(cli, aws, stack)
    root = _checkout(tmp_path)
    environ = {**os.environ, **FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": aws.endpoint_url}
    environ.pop("CRUDDUR_ENVIRONMENT", None)
    deployed = []
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=root, env=environ, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        words = command.split()
        stack = words[1] if words[0] == "bin/cfn/deploy" else None
        if stack in CANNOT_CREATE:
            [summary] = [c for c in aws.cloudformation.list_change_sets(StackName=f"cruddur-demo-{stack}")[
                "Summaries"] if c["StackName"] == f"cruddur-demo-{stack}"]  # moto lists every stack's
            asked = aws.cloudformation.describe_change_set(ChangeSetName=summary["ChangeSetId"])["Parameters"]
            file = config.load_environment(root, "demo").parameters.get(stack, {})
            assert {p["ParameterKey"]: p["ParameterValue"] for p in asked} == {"Environment": "demo", **file}
            continue
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        if stack:
            assert done.stdout.splitlines()[-1] == f"cruddur-demo-{stack}: CREATE_COMPLETE", command
            deployed.append(stack)
    assert deployed == ["network", "iam", "cluster", "monitoring"]
    assert "cruddur-demo" in done.stdout  # the last command: the new cluster's outputs
    assert aws.ssm.get_parameter(Name="/cruddur/demo/backend-flask/CONNECTION_URL", WithDecryption=True)[
        "Parameter"]["Value"] == "postgresql://cruddur@demo-db/cruddur"
    assert [c["clusterName"] for c in aws.ecs.describe_clusters(clusters=["cruddur-demo"])["clusters"]] == \
        ["cruddur-demo"]
