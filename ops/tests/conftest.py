"""Fixtures: the AWS emulator (moto server over HTTP, one per session, reset per test), an `Aws` that
reaches it exactly as production does, and `cli`, which runs the real command line and captures it."""
from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.loaders
import botocore.session
import pytest

from cruddur_ops import push, signing
from cruddur_ops.aws import Aws
from cruddur_ops.cli import main
from cruddur_ops.context import Runtime
from cruddur_ops.registry import EcrRegistry, digest_of
from devstack.moto import FAKE_CREDENTIALS, MotoServer
from tests import scripted_ecs as s

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account
ENV = "staging"  # aws/ops.toml's default environment, the one the commands act on unless told otherwise


def family(service: str, env: str = ENV) -> str:
    """The task definition family of `service` in `env` (aws/task-definitions/<service>.json)."""
    return f"cruddur-{env}-{service}"


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    server = MotoServer.start(log=tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.stop()


_LOADER = botocore.loaders.create_loader()


def new_session() -> boto3.Session:
    """A fresh session (own event hooks) sharing one model loader, so API models are parsed once."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, region_name=REGION)


@pytest.fixture
def aws(moto_server, monkeypatch) -> Aws:
    """A clean emulator account, reached the way production reaches AWS: AWS_ENDPOINT_URL."""
    moto_server.reset()
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    return Aws(REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"], session=new_session())


class FakeClock:
    """Monotonic time that moves only when the code under test sleeps."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(clock):
    """Run `python -m cruddur_ops ...` in-process: cli(argv, aws=..., environ=..., root=...)."""

    def run(argv: list[str], **runtime) -> CliResult:
        stdout, stderr = io.StringIO(), io.StringIO()
        runtime.setdefault("clock", clock)
        runtime.setdefault("sleep", clock.sleep)
        runtime.setdefault("tty", False)
        code = main(argv, Runtime(stdout=stdout, stderr=stderr, **runtime))
        return CliResult(code, stdout.getvalue(), stderr.getvalue())

    return run


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


# Every placeholder the files under aws/ use, as the infrastructure stacks would provide them.
STACK_VALUES = {
    "AWS_ACCOUNT_ID": ACCOUNT,
    "ECR_REGISTRY": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com",
    "IMAGE_TAG": "0123456789ab",
    "EXECUTION_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/cruddur-{ENV}-task-execution",
    "BACKEND_TASK_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/cruddur-{ENV}-backend-flask-task",
    "FRONTEND_TASK_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/cruddur-{ENV}-frontend-react-js-task",
    "FRONTEND_URL": f"https://{ENV}.cruddur.example.com",
    "BACKEND_URL": f"https://api.{ENV}.cruddur.example.com",
    "AWS_COGNITO_USER_POOL_ID": "us-east-1_abcdefghi",
    "AWS_COGNITO_USER_POOL_CLIENT_ID": "5ldvhg4k2mcdg0pbb0k4a1p0bb",
    "PRIVATE_SUBNET_IDS": "subnet-0aaa,subnet-0bbb",
    "BACKEND_SECURITY_GROUP_ID": "sg-0backend",
    "FRONTEND_SECURITY_GROUP_ID": "sg-0frontend",
    "BACKEND_TARGET_GROUP_ARN": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/cruddur-{ENV}-backend/1",
    "FRONTEND_TARGET_GROUP_ARN":
        f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/cruddur-{ENV}-frontend/2",
    "AVATAR_UPLOADS_BUCKET": f"cruddur-{ENV}-avatar-uploads-{ACCOUNT}",
    "AVATAR_UPLOADS_URL": f"https://cruddur-{ENV}-avatar-uploads-{ACCOUNT}.s3.{REGION}.amazonaws.com",
    "AVATARS_BUCKET": f"cruddur-{ENV}-avatars-{ACCOUNT}",
    "AVATARS_URL": "https://d111111abcdef8.cloudfront.net",
}


def var_flags(values: dict) -> list[str]:
    return [arg for name, value in values.items() for arg in ("--var", f"{name}={value}")]


ECS_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
SIGNING_KEY = "alias/cruddur-release-signing"


def image_manifest(tag: str) -> str:
    """An image manifest of its own for each tag, so that each tag has its own digest."""
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                  "digest": digest_of(tag.encode())}, "layers": []})


MANIFEST = image_manifest("0123456789ab")


def create_signing_key(aws, alias: str = SIGNING_KEY) -> str:
    key = aws.kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    aws.kms.create_alias(AliasName=alias, TargetKeyId=key)
    return key


def put_image(aws, repository: str, tag: str, manifest: str | None = None) -> str:
    """An image pushed under `tag`, as ECR holds it (its digest is its manifest's); the digest."""
    manifest = manifest or image_manifest(tag)
    digest = digest_of(manifest.encode())
    aws.ecr.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag, imageDigest=digest)
    return digest


SBOM = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
    {"type": "library", "bom-ref": "pkg:pypi/flask@3.1.3", "name": "flask", "version": "3.1.3"}]}).encode()


def put_release(aws, moto_server, repository: str, tag: str, findings: dict | None = None) -> str:
    """What a release push leaves behind: the image, its SBOM beside it, signed with the release key, its
    scan complete (clean unless `findings`, in ECR's imageScanFindings shape); the digest."""
    digest = put_image(aws, repository, tag)
    registry = EcrRegistry(aws.ecr, f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com")
    sbom_digest = push.attach_sbom(registry, repository, digest, SBOM)
    signing.sign(aws.kms, SIGNING_KEY, registry, repository, digest, tag, {"sbom": sbom_digest})
    moto_server.publish_scan(repository, digest, findings=findings)
    return digest


@pytest.fixture
def world(aws, moto_server) -> dict:
    """Everything the two services point at, created in the emulator the way the stacks and a release
    push would (each image signed and scanned clean); returns the placeholder values (real emulator ids
    and ARNs)."""
    values = dict(STACK_VALUES)
    create_signing_key(aws)
    for repository in ("backend-flask", "frontend-react-js"):
        aws.ecr.create_repository(repositoryName=repository,
                                  imageScanningConfiguration={"scanOnPush": True}, imageTagMutability="IMMUTABLE")
        put_release(aws, moto_server, repository, values["IMAGE_TAG"])
    aws.ssm.put_parameter(Name=f"/cruddur/{ENV}/backend-flask/CONNECTION_URL", Type="SecureString",
                          Value="postgresql://cruddur:s3cret@db.internal:5432/cruddur")
    for key in ("EXECUTION_ROLE_ARN", "BACKEND_TASK_ROLE_ARN", "FRONTEND_TASK_ROLE_ARN"):
        values[key] = aws.iam.create_role(RoleName=values[key].rsplit("/", 1)[1],
                                          AssumeRolePolicyDocument=json.dumps(ECS_TRUST))["Role"]["Arn"]
    for group in (f"/cruddur/{ENV}/backend-flask", f"/cruddur/{ENV}/frontend-react-js"):
        aws.logs.create_log_group(logGroupName=group)
        aws.logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    vpc = aws.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [aws.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    values["PRIVATE_SUBNET_IDS"] = ",".join(subnets)
    alb_sg = aws.ec2.create_security_group(GroupName=f"cruddur-{ENV}-alb", Description="alb", VpcId=vpc)["GroupId"]
    values["ALB_SECURITY_GROUP_ID"] = alb_sg
    for key, name, port in (("BACKEND", "backend-flask", 4567), ("FRONTEND", "frontend-react-js", 3000)):
        sg = aws.ec2.create_security_group(GroupName=f"cruddur-{ENV}-{name}", Description=name, VpcId=vpc)["GroupId"]
        aws.ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": alb_sg}]}])
        values[f"{key}_SECURITY_GROUP_ID"] = sg
        values[f"{key}_TARGET_GROUP_ARN"] = aws.elbv2.create_target_group(
            Name=f"cruddur-{ENV}-{key.lower()}", Protocol="HTTP", Port=port, VpcId=vpc, TargetType="ip",
            HealthCheckPath="/api/health-check" if key == "BACKEND" else "/health-check",
        )["TargetGroups"][0]["TargetGroupArn"]
    # The load balancer the target groups serve (ALBRequestCountPerTarget scaling names both).
    public = [aws.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")[
        "Subnet"]["SubnetId"] for i, zone in ((101, "a"), (102, "b"))]
    alb = aws.elbv2.create_load_balancer(Name=f"cruddur-{ENV}-alb", Subnets=public, SecurityGroups=[alb_sg])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    listener = aws.elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "forward", "TargetGroupArn": values["FRONTEND_TARGET_GROUP_ARN"]}])["Listeners"][0]["ListenerArn"]
    aws.elbv2.create_rule(ListenerArn=listener, Priority=10, Actions=[
        {"Type": "forward", "TargetGroupArn": values["BACKEND_TARGET_GROUP_ARN"]}], Conditions=[
        {"Field": "host-header", "HostHeaderConfig": {"Values": [f"api.{ENV}.cruddur.example.com"]}}])
    # The database, with the max_connections the data stack sets.
    group = f"cruddur-{ENV}-postgres18"
    aws.rds.create_db_parameter_group(DBParameterGroupName=group, DBParameterGroupFamily="postgres18",
                                      Description="Cruddur")
    aws.rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "80", "ApplyMethod": "pending-reboot"}])
    aws.rds.create_db_instance(DBInstanceIdentifier=f"cruddur-{ENV}-db", Engine="postgres",
                               DBInstanceClass="db.t4g.micro", DBParameterGroupName=group, AllocatedStorage=20,
                               MasterUsername="cruddurroot", ManageMasterUserPassword=True)
    aws.ecs.create_cluster(clusterName=f"cruddur-{ENV}",
                           settings=[{"name": "containerInsights", "value": "enabled"}])
    return values


PREVIOUS_TAG = "aaaaaaaaaaaa"
# Operations that change nothing (KMS Verify and ECR BatchGetImage among them: the release gate reads).
READ_ONLY = ("Describe", "List", "Get", "BatchGet", "Verify")


@pytest.fixture
def rollout(aws, world, clock, cli, moto_server):
    """The world in moto, ECS scripted, and every AWS call recorded by operation name."""
    session = new_session()
    calls = []
    session.events.register("before-call", lambda model, **_: calls.append(model.name))
    moto = Aws(REGION, endpoint_url=moto_server.url, session=session)
    fake = s.ScriptedEcs(moto.ecs, clock, logs=moto.logs)
    env = {**world}

    class Rollout:
        def __init__(self):
            self.fake, self.calls, self.env, self.world = fake, calls, env, world
            self.aws = Aws(REGION, endpoint_url=moto_server.url, session=session, clients={"ecs": fake})

        def deploy(self, *flags, service="backend-flask", **runtime):
            return cli(["deploy", service, *flags], aws=self.aws, environ=self.env, **runtime)

        def deploy_steady(self, tag, service="backend-flask") -> str:
            """Deploy image `tag` through our deploy and let it reach a steady state; its definition.
            (Set-up only, so verify is skipped: the deploys under test run it.)"""
            put_release(aws, moto_server, service, tag)
            fake.then(30, s.steady_state)
            result = self.deploy("--image-tag", tag, "--skip-verify", service=service)
            assert result.code == 0, result.stderr
            calls.clear()
            fake.calls.clear()
            return fake.service(service)["taskDefinition"]

        def push_release(self, tag, service="backend-flask", findings=None) -> str:
            return put_release(aws, moto_server, service, tag, findings)

        def existing_service(self, service="backend-flask"):
            """The service as it stands before the deploy: steady on an earlier image."""
            self.previous = self.deploy_steady(PREVIOUS_TAG, service)
            return self

        def mutating_calls(self):
            return [name for name in self.calls + [op for op, _ in fake.calls]
                    if not name.startswith(READ_ONLY)]

    return Rollout()


def put_log_lines(aws, task_id, container, count, service="backend-flask"):
    stream = f"{service}/{container}/{task_id}"
    aws.logs.create_log_stream(logGroupName=f"/cruddur/{ENV}/{service}", logStreamName=stream)
    now = int(time.time() * 1000)
    aws.logs.put_log_events(logGroupName=f"/cruddur/{ENV}/{service}", logStreamName=stream,
                            logEvents=[{"timestamp": now + i, "message": f"{container} line {i}"}
                                       for i in range(count)])
