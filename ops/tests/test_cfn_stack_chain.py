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
from pathlib import Path

import pytest

from devstack.moto import MotoServer

FIXES = Path(__file__).resolve().parent / "emulator_fixes"


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(FIXES), os.environ.get("PYTHONPATH")])))
        server = MotoServer.start(log=tmp_path_factory.mktemp("moto-chain") / "moto.log")
    yield server
    server.stop()


def _deploy(cli, aws, stack, *parameters):
    result = cli(["cfn-deploy", stack, "--yes", *[f"-p{p}" for p in parameters]], aws=aws)
    assert result.code == 0, result.stderr
    return json.loads(cli(["cfn-outputs", stack, "--output", "json"], aws=aws).stdout)


def test_stacks_deploy_in_order_and_export_what_task_definitions_need(cli, aws):
    network = _deploy(cli, aws, "network")
    registry = _deploy(cli, aws, "registry")
    iam = _deploy(cli, aws, "iam")
    signing = _deploy(cli, aws, "signing")
    cluster = _deploy(cli, aws, "cluster", "DeletionProtection=false")

    assert len(network["PrivateSubnetIds"].split(",")) == 2
    assert network["BackendSecurityGroupId"] != network["FrontendSecurityGroupId"]
    assert registry["BackendRepositoryUri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask"
    assert iam["ExecutionRoleArn"] == "arn:aws:iam::123456789012:role/CruddurServiceExecutionRole"
    assert iam["BackendTaskRoleArn"] == "arn:aws:iam::123456789012:role/CruddurBackendTaskRole"
    assert iam["ParameterPathArn"] == "arn:aws:ssm:us-east-1:123456789012:parameter/cruddur/backend-flask"
    assert (iam["ReleaseRoleArn"], iam["DeployRoleArn"]) == ("arn:aws:iam::123456789012:role/CruddurReleaseRole",
                                                            "arn:aws:iam::123456789012:role/CruddurDeployRole")
    assert signing["ReleaseSigningKeyAlias"] == "alias/cruddur-release-signing"
    assert signing["ReleaseSigningKeyArn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert (cluster["ClusterName"], cluster["BackendLogGroupName"], cluster["FrontendLogGroupName"]) == \
        ("cruddur", "/cruddur/backend-flask", "/cruddur/frontend-react-js")

    # moto's CloudFormation ignores ClusterSettings (Container Insights): checkov's CKV_AWS_65 covers it.
    assert [c["clusterName"] for c in aws.ecs.describe_clusters(clusters=["cruddur"])["clusters"]] == ["cruddur"]
    groups = {g["logGroupName"]: g for g in aws.logs.describe_log_groups(logGroupNamePrefix="/cruddur/")["logGroups"]}
    assert groups["/cruddur/backend-flask"]["retentionInDays"] == 30

    [alb] = aws.elbv2.describe_load_balancers(Names=["cruddur-alb"])["LoadBalancers"]
    assert sorted(alb["AvailabilityZones"], key=lambda z: z["SubnetId"]) and \
        {z["SubnetId"] for z in alb["AvailabilityZones"]} == set(network["PublicSubnetIds"].split(","))
    assert alb["SecurityGroups"] == [network["LoadBalancerSecurityGroupId"]]
    [http] = aws.elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert (http["Port"], http["DefaultActions"][0]["RedirectConfig"]["StatusCode"]) == (80, "HTTP_301")
    targets = {t["TargetGroupName"]: t for t in aws.elbv2.describe_target_groups()["TargetGroups"]}
    assert targets["cruddur-backend-flask"]["TargetGroupArn"] == cluster["BackendTargetGroupArn"]
    assert (targets["cruddur-backend-flask"]["TargetType"], targets["cruddur-backend-flask"]["HealthCheckPath"]) == \
        ("ip", "/api/health-check")
    assert (targets["cruddur-frontend-react-js"]["Port"], targets["cruddur-frontend-react-js"]["HealthCheckPath"]) \
        == (3000, "/health-check")
    assert targets["cruddur-backend-flask"]["VpcId"] == network["VpcId"]


def test_updating_a_stack_sets_named_parameters_and_keeps_the_others(cli, aws):
    _deploy(cli, aws, "network")
    result = cli(["cfn-deploy", "network", "--yes", "-p", "PrivateEndpoints=true"], aws=aws)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(UPDATE)")
    # moto diffs templates only: a parameter-only update lists no changes and adds no conditional resources
    # here (test_guardrails.py deploys the endpoints from scratch instead).
    assert lines[1] == "(the change set lists no resource changes)"
    assert lines[-1] == "cruddur-network: UPDATE_COMPLETE"
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in
                  aws.cloudformation.describe_stacks(StackName="cruddur-network")["Stacks"][0]["Parameters"]}
    assert (parameters["PrivateEndpoints"], parameters["VpcCidr"]) == ("true", "10.0.0.0/16")


def test_the_signing_stack_makes_a_p256_signing_key_whose_policy_names_the_iam_stack_roles(cli, aws):
    iam = _deploy(cli, aws, "iam")
    signing = _deploy(cli, aws, "signing")
    key = aws.kms.describe_key(KeyId="alias/cruddur-release-signing")["KeyMetadata"]
    assert (key["Arn"], key["KeySpec"], key["KeyUsage"], key["Enabled"]) == \
        (signing["ReleaseSigningKeyArn"], "ECC_NIST_P256", "SIGN_VERIFY", True)
    policy = json.loads(aws.kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    principals = {s["Sid"]: s["Principal"]["AWS"] for s in policy["Statement"]}
    assert (principals["ReleaseRoleSigns"], principals["DeployersVerify"]) == \
        (iam["ReleaseRoleArn"], iam["DeployRoleArn"])
    # The key the deploy tooling will use: an ECDSA P-256 signature over a digest verifies, another does not.
    # (moto does not act out key policies, so who may sign is proven on the template: test_policies.py.)
    digest = bytes.fromhex("ab" * 32)
    signature = aws.kms.sign(KeyId="alias/cruddur-release-signing", Message=digest, MessageType="DIGEST",
                             SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    for message, valid in ((digest, True), (bytes.fromhex("cd" * 32), False)):
        assert aws.kms.verify(KeyId="alias/cruddur-release-signing", Message=message, MessageType="DIGEST",
                              Signature=signature, SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"] is valid

