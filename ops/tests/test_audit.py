"""audit: the checklist against an account in the moto server (ECR, ECS, EC2, ELBv2, logs, CloudTrail,
Config, SNS all over HTTP). Image scan results are set through moto's own API, as its docs describe."""
import json

import pytest
import requests

from tests.conftest import ACCOUNT, MANIFEST, REGION, var_flags

# A second image (another digest) for the deployed-but-unscanned-clean case.
MANIFEST_2 = MANIFEST.replace('"size": 2', '"size": 3')


@pytest.fixture
def account(aws, world, cli, moto_server):
    """A compliant account: both services registered and created, trail, recorder, alerts topic."""
    vpc_subnets = world["PRIVATE_SUBNET_IDS"].split(",")
    alb = aws.elbv2.create_load_balancer(Name="cruddur-alb", Subnets=vpc_subnets,
                                         SecurityGroups=[world["ALB_SECURITY_GROUP_ID"]])["LoadBalancers"][0]
    for service, key in (("backend-flask", "BACKEND"), ("frontend-react-js", "FRONTEND")):
        port = 4567 if key == "BACKEND" else 3000
        aws.elbv2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": world[f"{key}_TARGET_GROUP_ARN"]}])
        assert cli(["register", service, *var_flags(world)], aws=aws, environ={}).code == 0
        rendered = json.loads(cli(["render", service, *var_flags(world)], aws=aws, environ={}).stdout)["service"]
        aws.ecs.create_service(cluster="cruddur", **rendered)
        aws.ecr.start_image_scan(repositoryName=service, imageId={"imageTag": world["IMAGE_TAG"]})
        requests.post(f"{moto_server.url}/moto-api/static/ecr/scan-finding-results", timeout=10, json={
            "region": REGION, "results": [{
                "registryId": ACCOUNT, "repositoryName": service, "imageId": {"imageTag": world["IMAGE_TAG"]},
                "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
                "imageScanFindings": {"findings": [], "findingSeverityCounts": {"LOW": 2}}}]}).raise_for_status()
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
    return world


def test_a_compliant_account_passes_every_check(aws, account, cli):
    result = cli(["audit"], aws=aws, environ={})
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == """\
CHECK                              RESOURCE                             RESULT  DETAIL
services exist                     backend-flask                        PASS
services exist                     frontend-react-js                    PASS
ECR scan on push                   backend-flask                        PASS
ECR scan on push                   frontend-react-js                    PASS
no HIGH/CRITICAL findings          backend-flask:0123456789ab           PASS
no HIGH/CRITICAL findings          frontend-react-js:0123456789ab       PASS
no secrets in environment          backend-flask/backend-flask          PASS
no secrets in environment          frontend-react-js/frontend-react-js  PASS
non-root, read-only, unprivileged  backend-flask/backend-flask          PASS
non-root, read-only, unprivileged  frontend-react-js/frontend-react-js  PASS
execution role != task role        backend-flask                        PASS
execution role != task role        frontend-react-js                    PASS
only the load balancer reaches it  backend-flask                        PASS
only the load balancer reaches it  frontend-react-js                    PASS
Container Insights on              cruddur                              PASS
log retention set                  /cruddur/backend-flask               PASS    30 days
log retention set                  /cruddur/frontend-react-js           PASS    30 days
CloudTrail trail logging           cruddur                              PASS
AWS Config recording               default                              PASS
alerts topic subscribed            cruddur-alerts                       PASS    1 confirmed
20 passed, 0 failed
"""


def test_every_broken_rule_fails_with_its_reason_and_exit_1(aws, account, cli):
    aws.ecr.put_image_scanning_configuration(repositoryName="frontend-react-js",
                                             imageScanningConfiguration={"scanOnPush": False})
    aws.ecr.put_image(repositoryName="backend-flask", imageManifest=MANIFEST_2, imageTag="bbbbbbbbbbbb")
    aws.ecr.start_image_scan(repositoryName="backend-flask", imageId={"imageTag": "bbbbbbbbbbbb"})
    bad = {**account, "IMAGE_TAG": "bbbbbbbbbbbb", "BACKEND_TASK_ROLE_ARN": account["EXECUTION_ROLE_ARN"]}
    path_flags = var_flags(bad)
    task = json.loads(cli(["render", "backend-flask", *path_flags], aws=aws, environ={}).stdout)["taskDefinition"]
    container = task["containerDefinitions"][0]
    container.update(readonlyRootFilesystem=False, user="0", privileged=True)
    container["environment"].append({"name": "DB_PASSWORD", "value": "hunter2"})
    arn = aws.ecs.register_task_definition(**task)["taskDefinition"]["taskDefinitionArn"]
    aws.ecs.update_service(cluster="cruddur", service="backend-flask", taskDefinition=arn)
    aws.ec2.authorize_security_group_ingress(GroupId=account["FRONTEND_SECURITY_GROUP_ID"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    aws.ecs.update_cluster(cluster="cruddur", settings=[{"name": "containerInsights", "value": "disabled"}])
    aws.logs.delete_retention_policy(logGroupName="/cruddur/frontend-react-js")
    aws.cloudtrail.stop_logging(Name="cruddur")
    aws.config.stop_configuration_recorder(ConfigurationRecorderName="default")
    aws.sns.delete_topic(TopicArn=aws.sns.create_topic(Name="cruddur-alerts")["TopicArn"])

    result = cli(["audit", "--output", "json"], aws=aws, environ={})
    assert result.code == 1
    report = json.loads(result.stdout)
    failed = [(c["check"], c["resource"], c["detail"]) for c in report["checks"] if c["result"] == "FAIL"]
    assert failed == [
        ("ECR scan on push", "frontend-react-js", "scanOnPush is off"),
        ("no HIGH/CRITICAL findings", "backend-flask:bbbbbbbbbbbb", "1 HIGH"),
        ("no secrets in environment", "backend-flask/backend-flask", "plain values: DB_PASSWORD"),
        ("non-root, read-only, unprivileged", "backend-flask/backend-flask",
         "runs as root, root filesystem writable, privileged"),
        ("execution role != task role", "backend-flask", "execution role and task role must both be set and differ"),
        ("only the load balancer reaches it", "frontend-react-js", f"{account['FRONTEND_SECURITY_GROUP_ID']} open to 0.0.0.0/0"),
        ("Container Insights on", "cruddur", "containerInsights is disabled"),
        ("log retention set", "/cruddur/frontend-react-js", "kept forever"),
        ("CloudTrail trail logging", "cruddur", "trail exists but is not logging"),
        ("AWS Config recording", "configuration recorder", "recorder stopped"),
        ("alerts topic subscribed", "cruddur-alerts", "topic not found"),
    ]
    assert (report["passed"], report["failed"]) == (9, 11)
