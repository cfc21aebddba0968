"""verify: everything the rendered files point at, checked in the emulator (moto server over HTTP)."""
import json

from cruddur_ops.registry import digest_of
from tests.conftest import ACCOUNT, MANIFEST, REGION


def test_verify_passes_when_everything_exists(cli, aws, world):
    result = cli(["verify", "backend-flask"], aws=aws, environ=world)
    assert (result.code, result.stderr) == (0, "")
    tg = world["BACKEND_TARGET_GROUP_ARN"]
    subnet_a, subnet_b = world["PRIVATE_SUBNET_IDS"].split(",")
    digest = digest_of(MANIFEST.encode())
    assert result.stdout == f"""verify backend-flask (cluster cruddur-staging)
  release backend-flask
    OK   image {ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/backend-flask:0123456789ab: digest {digest}
    OK   signature backend-flask:0123456789ab.sig: signed by alias/cruddur-release-signing, for {digest}
    OK   sbom backend-flask:{digest.replace(":", "-")}.sbom: 1 components, as signed
    OK   scan backend-flask@{digest}: COMPLETE: 0 findings, none HIGH or CRITICAL
  task definition cruddur-staging-backend-flask
    OK   secret CONNECTION_URL
    OK   log group /cruddur/staging/backend-flask
    OK   execution role {world['EXECUTION_ROLE_ARN']}
    OK   task role {world['BACKEND_TASK_ROLE_ARN']}
  service backend-flask
    OK   cluster cruddur-staging
    OK   target group {tg}
    OK   subnet {subnet_a}
    OK   subnet {subnet_b}
    OK   security group {world['BACKEND_SECURITY_GROUP_ID']}
  database
    OK   connections of backend-flask: 8 tasks at most (4 scaled × 200% while deploying) × 2 workers × pool 4 \
+ 2 one-off = 66 ≤ 80 max_connections of cruddur-staging-db − 10 reserve = 70
summary: 14 OK, 0 NG, 0 SKIP
"""


def test_verify_names_every_missing_thing_and_exits_6(cli, aws, world):
    aws.ssm.delete_parameter(Name="/cruddur/staging/backend-flask/CONNECTION_URL")
    aws.logs.delete_log_group(logGroupName="/cruddur/staging/backend-flask")
    aws.iam.update_assume_role_policy(RoleName="cruddur-staging-backend-flask-task", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))
    aws.ecs.delete_cluster(cluster="cruddur-staging")
    values = {**world, "IMAGE_TAG": "fffffffffff0", "BACKEND_SECURITY_GROUP_ID": "sg-00000000000000000"}
    result = cli(["verify", "backend-flask", "--output", "json"], aws=aws, environ=values)
    assert result.code == 6
    report = json.loads(result.stdout)
    failed = {c["subject"]: c["detail"] for c in report["checks"] if c["status"] == "NG"}
    assert failed == {
        f"image {ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/backend-flask:fffffffffff0":
            "tag fffffffffff0 not found in repository backend-flask",
        "secret CONNECTION_URL": "parameter /cruddur/staging/backend-flask/CONNECTION_URL not found",
        "log group /cruddur/staging/backend-flask": "log group not found",
        f"task role {world['BACKEND_TASK_ROLE_ARN']}":
            "role cruddur-staging-backend-flask-task does not trust ecs-tasks.amazonaws.com",
        "cluster cruddur-staging": "cluster not found or not active",
        "security group sg-00000000000000000": "security group not found",
    }
    assert report["summary"] == {"OK": 5, "NG": 6, "SKIP": 0}
