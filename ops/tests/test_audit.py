"""audit: the checklist against an account in the moto server (ECR, KMS, ECS task definitions, EC2, ELBv2,
logs, CloudTrail, Config, SNS all over HTTP). Services and their running tasks come from the scripted ECS
(tests/scripted_ecs.py): moto starts no task for a service. Scan results are published through the
emulator's extension (devstack/moto_ext.py) in ECR's own shape."""
import json

import pytest

from cruddur_ops.aws import Aws
from tests import scripted_ecs as s
from tests.conftest import ACCOUNT, REGION, family, new_session, put_image, put_release, var_flags


def run_tasks(fake, service: str, count: int = 1) -> None:
    """`count` tasks of the service's current definition running, each container with the digest ECS
    resolved for it (ECS reports both the image as named and the digest it pulled)."""
    definition = fake.describe_task_definition(taskDefinition=fake.service(service)["taskDefinition"])
    revision = int(definition["taskDefinition"]["revision"])
    for index in range(count):
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/cruddur-staging/{service[:4]}{revision:04x}{index:024x}"
        fake.tasks[arn] = {
            "taskArn": arn, "taskDefinitionArn": definition["taskDefinition"]["taskDefinitionArn"],
            "lastStatus": "RUNNING", "desiredStatus": "RUNNING", "group": f"service:{service}",
            "containers": [{"name": c["name"], "image": c["image"], "imageDigest": c["image"].split("@")[1]}
                           for c in definition["taskDefinition"]["containerDefinitions"]]}


@pytest.fixture
def ecs_world(aws, moto_server, clock):
    fake = s.ScriptedEcs(aws.ecs, clock)
    return fake, Aws(REGION, endpoint_url=moto_server.url, session=new_session(), clients={"ecs": fake})


@pytest.fixture
def account(aws, world, cli, ecs_world):
    """A compliant account: both services registered through the release gate, created and running,
    trail, recorder, alerts topic."""
    fake, scripted = ecs_world
    vpc_subnets = world["PRIVATE_SUBNET_IDS"].split(",")
    alb = aws.elbv2.create_load_balancer(Name="cruddur-alb", Subnets=vpc_subnets,
                                         SecurityGroups=[world["ALB_SECURITY_GROUP_ID"]])["LoadBalancers"][0]
    for service, key in (("backend-flask", "BACKEND"), ("frontend-react-js", "FRONTEND")):
        port = 4567 if key == "BACKEND" else 3000
        forward = {"Type": "forward", "TargetGroupArn": world[f"{key}_TARGET_GROUP_ARN"]}
        aws.elbv2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                                  DefaultActions=[forward])
        assert cli(["register", service, *var_flags(world)], aws=aws, environ={}).code == 0
        rendered = json.loads(cli(["render", service, *var_flags(world)], aws=aws, environ={}).stdout)["service"]
        fake.create_service(**{**rendered, "cluster": "cruddur-staging", "taskDefinition": family(service)})
        run_tasks(fake, service)
    aws.s3.create_bucket(Bucket="cruddur-audit")
    aws.cloudtrail.create_trail(Name="cruddur", S3BucketName="cruddur-audit")
    aws.cloudtrail.start_logging(Name="cruddur")
    aws.config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": world["EXECUTION_ROLE_ARN"], "recordingGroup": {"allSupported": True}})
    aws.config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "cruddur-audit"})
    aws.config.start_configuration_recorder(ConfigurationRecorderName="default")
    topic = aws.sns.create_topic(Name="cruddur-alerts")["TopicArn"]
    queue = aws.sqs.create_queue(QueueName="cruddur-alerts-inbox")["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    detector = aws.guardduty.create_detector(Enable=True, Features=[
        {"Name": "RUNTIME_MONITORING", "Status": "ENABLED",
         "AdditionalConfiguration": [{"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"}]}])["DetectorId"]
    return {**world, "aws": scripted, "fake": fake, "detector": detector}


def test_a_compliant_account_passes_every_check(account, cli):
    result = cli(["audit"], aws=account["aws"], environ={})
    assert (result.code, result.stderr) == (0, "")
    digest = account["aws"].ecr.describe_images(repositoryName="backend-flask", imageIds=[
        {"imageTag": account["IMAGE_TAG"]}])["imageDetails"][0]["imageDigest"][:19]
    back, front = (f"{name}/{name} task {name[:4]}0001{'0' * 24}" for name in ("backend-flask", "frontend-react-js"))
    rows = [
        ("services exist", "backend-flask", ""), ("services exist", "frontend-react-js", ""),
        ("ECR scan on push", "backend-flask", ""), ("ECR scan on push", "frontend-react-js", ""),
        ("running images signed", back, f"backend-flask@{digest}: signed by alias/cruddur-release-signing"),
        ("running images signed", front, f"frontend-react-js@{digest}: signed by alias/cruddur-release-signing"),
        ("no HIGH/CRITICAL findings", back, f"backend-flask@{digest}"),
        ("no HIGH/CRITICAL findings", front, f"frontend-react-js@{digest}"),
        ("released through the gate", "cruddur-staging-backend-flask:1", ""),
        ("released through the gate", "cruddur-staging-frontend-react-js:1", ""),
        ("no secrets in environment", "backend-flask/backend-flask", ""),
        ("no secrets in environment", "frontend-react-js/frontend-react-js", ""),
        ("non-root, read-only, unprivileged", "backend-flask/backend-flask", ""),
        ("non-root, read-only, unprivileged", "frontend-react-js/frontend-react-js", ""),
        ("execution role != task role", "backend-flask", ""), ("execution role != task role", "frontend-react-js", ""),
        ("only the load balancer reaches it", "backend-flask", ""),
        ("only the load balancer reaches it", "frontend-react-js", ""),
        ("Container Insights on", "cruddur-staging", ""),
        ("log retention set", "/cruddur/staging/backend-flask", "30 days"),
        ("log retention set", "/cruddur/staging/frontend-react-js", "30 days"),
        ("CloudTrail trail logging", "cruddur", ""), ("AWS Config recording", "default", ""),
        ("runtime threat detection", f"GuardDuty {account['detector']}", "Runtime Monitoring, Fargate agent managed"),
        ("alerts topic subscribed", "cruddur-alerts", "1 confirmed"),
    ]
    width = len(front) + 2
    expected = [f"{'CHECK':<35}{'RESOURCE':<{width}}RESULT  DETAIL"] + \
        [f"{check:<35}{resource:<{width}}PASS    {detail}".rstrip() for check, resource, detail in rows]
    assert result.stdout == "\n".join(expected) + "\n25 passed, 0 failed\n"


def test_every_broken_rule_fails_with_its_reason_and_exit_1(aws, account, cli, moto_server):
    fake = account["fake"]
    aws.ecr.put_image_scanning_configuration(repositoryName="frontend-react-js",
                                             imageScanningConfiguration={"scanOnPush": False})
    # backend-flask: a definition registered around the gate, its image signed but with a HIGH finding.
    vulnerable = put_release(aws, moto_server, "backend-flask", "bbbbbbbbbbbb", findings={"findings": [
        {"name": "CVE-2026-4444", "severity": "HIGH", "attributes": [
            {"key": "package_name", "value": "zlib"}, {"key": "package_version", "value": "1.2.13"}]}]})
    bad = {**account, "IMAGE_TAG": "bbbbbbbbbbbb", "BACKEND_TASK_ROLE_ARN": account["EXECUTION_ROLE_ARN"]}
    path_flags = var_flags(bad)
    task = json.loads(cli(["render", "backend-flask", *path_flags], aws=aws, environ={}).stdout)["taskDefinition"]
    container = task["containerDefinitions"][0]
    container.update(readonlyRootFilesystem=False, user="0", privileged=True,
                     image=container["image"].replace(":bbbbbbbbbbbb", f"@{vulnerable}"))
    container["environment"].append({"name": "DB_PASSWORD", "value": "hunter2"})
    arn = aws.ecs.register_task_definition(**task)["taskDefinition"]["taskDefinitionArn"]
    fake.update_service(cluster="cruddur-staging", service="backend-flask", taskDefinition=arn)
    run_tasks(fake, "backend-flask")
    # frontend-react-js: an unsigned, unscanned image let through the gate with both emergency flags.
    unsigned = put_image(aws, "frontend-react-js", "cccccccccccc")
    assert cli(["register", "frontend-react-js", "--allow-unsigned", "--allow-unscanned", "--scan-timeout", "0s",
                *var_flags({**account, "IMAGE_TAG": "cccccccccccc"})], aws=aws, environ={}).code == 0
    fake.update_service(cluster="cruddur-staging", service="frontend-react-js",
                        taskDefinition="cruddur-staging-frontend-react-js:2")
    run_tasks(fake, "frontend-react-js")
    aws.ec2.authorize_security_group_ingress(GroupId=account["FRONTEND_SECURITY_GROUP_ID"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    aws.ecs.update_cluster(cluster="cruddur-staging", settings=[{"name": "containerInsights", "value": "disabled"}])
    aws.logs.delete_retention_policy(logGroupName="/cruddur/staging/frontend-react-js")
    aws.cloudtrail.stop_logging(Name="cruddur")
    aws.config.stop_configuration_recorder(ConfigurationRecorderName="default")
    aws.sns.delete_topic(TopicArn=aws.sns.create_topic(Name="cruddur-alerts")["TopicArn"])
    aws.guardduty.update_detector(DetectorId=account["detector"], Features=[
        {"Name": "RUNTIME_MONITORING", "Status": "DISABLED"}])

    result = cli(["audit", "--output", "json"], aws=account["aws"], environ={})
    assert result.code == 1
    report = json.loads(result.stdout)
    failed = [(c["check"], c["resource"], c["detail"]) for c in report["checks"] if c["result"] == "FAIL"]
    new_frontend_task = f"frontend-react-js/frontend-react-js task fron0002{'0' * 24}"
    assert failed == [
        ("ECR scan on push", "frontend-react-js", "scanOnPush is off"),
        ("running images signed", new_frontend_task,
         f"frontend-react-js@{unsigned[:19]}: {unsigned} is not signed (no frontend-react-js:"
         f"{unsigned.replace(':', '-')}.sig)"),
        ("no HIGH/CRITICAL findings", f"backend-flask/backend-flask task back0002{'0' * 24}",
         f"backend-flask@{vulnerable[:19]}: CVE-2026-4444 HIGH in zlib 1.2.13 (fixed in no fixed version known): "
         "no exception"),
        ("no HIGH/CRITICAL findings", new_frontend_task, f"frontend-react-js@{unsigned[:19]}: scan never ran"),
        ("released through the gate", "cruddur-staging-frontend-react-js:2",
         "deployed with a bypass (frontend-react-js: allow-unscanned,allow-unsigned)"),
        ("no secrets in environment", "backend-flask/backend-flask", "plain values: DB_PASSWORD"),
        ("non-root, read-only, unprivileged", "backend-flask/backend-flask",
         "runs as root, root filesystem writable, privileged"),
        ("execution role != task role", "backend-flask", "execution role and task role must both be set and differ"),
        ("only the load balancer reaches it", "frontend-react-js",
         f"{account['FRONTEND_SECURITY_GROUP_ID']} open to 0.0.0.0/0"),
        ("Container Insights on", "cruddur-staging", "containerInsights is disabled"),
        ("log retention set", "/cruddur/staging/frontend-react-js", "kept forever"),
        ("CloudTrail trail logging", "cruddur", "trail exists but is not logging"),
        ("AWS Config recording", "configuration recorder", "recorder stopped"),
        ("runtime threat detection", f"GuardDuty {account['detector']}",
         "Runtime Monitoring off; Fargate agent not managed"),
        ("alerts topic subscribed", "cruddur-alerts", "topic not found"),
    ]
    assert (report["passed"], report["failed"]) == (14, 15)
