"""deploy: every way a rollout ends, with the exact exit code and the reasons printed.

ECS rollouts over time are acted out by tests/scripted_ecs.py (a scripted fake speaking the real ECS
API shapes, requests validated against botocore's model) because the moto server cannot: its services
never progress. Everything else (ECR, SSM, IAM, logs, ELBv2, EC2, task definitions, clusters) is the moto
server over HTTP. The clock is a fake: the suite waits no real second.
"""
import itertools
import json

import boto3
import pytest
from botocore.stub import Stubber

from cruddur_ops.aws import Aws
from tests import scripted_ecs as s
from tests.conftest import READ_ONLY, REGION, new_session, put_log_lines


class TargetHealthFrom:
    """ELBv2 from the emulator, except DescribeTargetHealth, answered by a botocore Stubber."""

    def __init__(self, stubbed, emulated):
        self._stubbed, self._emulated = stubbed, emulated

    def __getattr__(self, name):
        return getattr(self._emulated, name)

    def describe_target_health(self, **params):
        return self._stubbed.describe_target_health(**params)


def why_block(stdout: str) -> str:
    return stdout[stdout.index("why:\n"):]


def test_success_exits_0_once_our_deployment_completes(rollout):
    rollout.existing_service()
    rollout.fake.then(20, s.tasks_running(0)).then(40, s.tasks_running(1)).then(70, s.steady_state)
    result = rollout.deploy()
    assert (result.code, result.stderr) == (0, "")
    digest = rollout.aws.ecr.describe_images(repositoryName="backend-flask", imageIds=[
        {"imageTag": "0123456789ab"}])["imageDetails"][0]["imageDigest"]
    migration_task = f"{1007:032x}"  # the scripted ECS numbers its tasks
    assert result.stdout == f"""\
verify: 14 checks passed
image backend-flask: 123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask@{digest} (tag 0123456789ab)
desiredCount: left to autoscaling (1–4 tasks, 1 desired now); the service file's count applies only on create
registered cruddur-staging-backend-flask:2
migrations: `python -m cruddur.admin db migrate` on cruddur-staging-backend-flask:2 (task {migration_task})
task {migration_task}: PROVISIONING (0m00s)
  | schema is up to date
task {migration_task}: STOPPED (0m10s)
migrations: done on cruddur-staging-backend-flask:2 (exit 0)
updating service backend-flask: cruddur-staging-backend-flask:1 -> cruddur-staging-backend-flask:2
waiting for deployment ecs-svc/10081009 (timeout 15m00s)
event: 2026-11-29T12:00:50Z (service backend-flask) has started 1 tasks: (task 1011).
backend-flask: cruddur-staging-backend-flask:2 rollout IN_PROGRESS, desired 1, running 0, pending 0, failed 0; 2 deployment(s); elapsed 0m00s, remaining 15m00s
backend-flask: cruddur-staging-backend-flask:2 rollout IN_PROGRESS, desired 1, running 0, pending 0, failed 0; 2 deployment(s); elapsed 0m15s, remaining 14m45s
backend-flask: cruddur-staging-backend-flask:2 rollout IN_PROGRESS, desired 1, running 0, pending 1, failed 0; 2 deployment(s); elapsed 0m30s, remaining 14m30s
backend-flask: cruddur-staging-backend-flask:2 rollout IN_PROGRESS, desired 1, running 1, pending 0, failed 0; 2 deployment(s); elapsed 0m45s, remaining 14m15s
backend-flask: cruddur-staging-backend-flask:2 rollout IN_PROGRESS, desired 1, running 1, pending 0, failed 0; 2 deployment(s); elapsed 1m00s, remaining 14m00s
event: 2026-11-29T12:02:00Z (service backend-flask) has reached a steady state.
deployed: backend-flask runs cruddur-staging-backend-flask:2: deployment ecs-svc/10081009 completed, 1/1 tasks running (1m10s)
scaling: backend-flask runs 1–4 tasks, tracking ECSServiceAverageCPUUtilization 60, ALBRequestCountPerTarget 300
"""  # noqa: E501 (the exact output: one progress line each, as a terminal shows it)
    assert rollout.fake.service()["taskDefinition"].endswith(":task-definition/cruddur-staging-backend-flask:2")


def test_progress_lines_come_at_least_every_15_seconds_and_events_once(rollout, clock):
    rollout.existing_service()
    rollout.fake.then(70, s.steady_state)
    result = rollout.deploy()
    assert result.code == 0
    assert max(clock.sleeps) <= 15
    progress = [line for line in result.stdout.splitlines() if "elapsed" in line]
    elapsed = [int(line.split("elapsed ")[1][0]) * 60 + int(line.split("elapsed ")[1][2:4]) for line in progress]
    assert all(b - a <= 15 for a, b in itertools.pairwise(elapsed)) and elapsed[0] == 0
    events = [line for line in result.stdout.splitlines() if line.startswith("event:")]
    assert len(events) == len(set(events)) == 2


def test_a_new_service_is_created_and_watched(rollout):
    rollout.fake.then(45, s.steady_state)
    result = rollout.deploy()
    assert result.code == 0, result.stderr
    assert "creating service backend-flask in cluster cruddur-staging\n" in result.stdout
    assert [op for op, _ in rollout.fake.calls if op in ("CreateService", "UpdateService")] == ["CreateService"]


def test_circuit_breaker_rollback_exits_3_with_exit_codes_and_the_last_20_log_lines(rollout, aws):
    rollout.existing_service()
    put_log_lines(aws, "t1", "backend-flask", 25)
    rollout.fake.then(30, s.task_stopped("t1", "Essential container in task exited", [("backend-flask", 3, "")])) \
        .then(90, s.circuit_breaker_rollback)
    result = rollout.deploy()
    assert result.code == 3
    assert why_block(result.stdout) == "why:\n" \
        "  task t1 stopped (TaskFailedToStart): Essential container in task exited\n" \
        "    container backend-flask: exit code 3\n" + \
        "".join(f"      | backend-flask line {i}\n" for i in range(5, 25))
    assert result.stderr == "error: deployment ecs-svc/10081009 of cruddur-staging-backend-flask:2 failed: " \
                            "ECS deployment circuit breaker: tasks failed to start.; rolled back: backend-flask " \
                            "returned to cruddur-staging-backend-flask:1\n"
    assert "event: 2026-11-29T12:02:20Z (service backend-flask) rolling back to deployment ecs-svc/10011002.\n" \
        "waiting for the rollback to cruddur-staging-backend-flask:1 (deployment ecs-svc/10151016) to settle\n" \
        in result.stdout
    assert rollout.fake.service()["deployments"][0]["rolloutState"] == "COMPLETED"
    assert rollout.fake.service()["taskDefinition"] == rollout.previous


def test_two_container_task_shows_the_failing_second_container_and_its_logs(rollout, aws, tmp_path, repo_root):
    import shutil
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    path = tmp_path / "aws/task-definitions/backend-flask.json"
    task = json.loads(path.read_text())
    sidecar = {**task["containerDefinitions"][0], "name": "otel-collector", "portMappings": [], "secrets": [],
               "healthCheck": {"command": ["CMD", "/otelcol", "--health"], "startPeriod": 10},
               "logConfiguration": {"logDriver": "awslogs", "options": {
                   "awslogs-group": "/cruddur/staging/backend-flask", "awslogs-region": "${AWS_DEFAULT_REGION}",
                   "awslogs-stream-prefix": "backend-flask"}}}
    task["containerDefinitions"].append(sidecar)
    path.write_text(json.dumps(task))
    rollout.existing_service()
    put_log_lines(aws, "t2", "backend-flask", 3)
    put_log_lines(aws, "t2", "otel-collector", 2)
    rollout.fake.then(30, s.task_stopped("t2", "Essential container in task exited", [
        ("backend-flask", 0, ""), ("otel-collector", 1, "")])).then(60, s.circuit_breaker_rollback)
    result = rollout.deploy(root=tmp_path)
    assert result.code == 3
    assert why_block(result.stdout) == """\
why:
  task t2 stopped (TaskFailedToStart): Essential container in task exited
    container backend-flask: exit code 0
    container otel-collector: exit code 1
      | otel-collector line 0
      | otel-collector line 1
"""


def test_timeout_exits_4_after_our_own_timeout(rollout, clock):
    rollout.existing_service()
    started = clock()
    result = rollout.deploy("--timeout", "20m")
    assert result.code == 4
    assert clock() - started == 10 + 20 * 60  # the migration task's 10 s, then the rollout's own 20 minutes
    assert result.stderr.startswith("error: timed out after 20m00s waiting for backend-flask deployment ")
    assert why_block(result.stdout) == "why:\n  ECS gave no reason (no stopped tasks, no unhealthy targets)\n"


def test_unhealthy_targets_are_explained_with_their_reason(rollout):
    # moto marks every target healthy at once; botocore's Stubber answers DescribeTargetHealth instead.
    rollout.existing_service()
    elbv2 = boto3.client("elbv2", region_name=REGION)
    stub = Stubber(elbv2)
    stub.add_response("describe_target_health", {"TargetHealthDescriptions": [
        {"Target": {"Id": "10.0.1.17", "Port": 4567}, "HealthCheckPort": "4567",
         "TargetHealth": {"State": "unhealthy", "Reason": "Target.ResponseCodeMismatch",
                          "Description": "Health checks failed with these codes: [503]"}},
        {"Target": {"Id": "10.0.2.9", "Port": 4567}, "HealthCheckPort": "4567", "TargetHealth": {"State": "healthy"}},
    ]}, {"TargetGroupArn": rollout.world["BACKEND_TARGET_GROUP_ARN"]})
    stub.activate()
    rollout.aws = Aws(REGION, endpoint_url=rollout.aws.endpoint_url, session=new_session(),
                      clients={"ecs": rollout.fake, "elbv2": TargetHealthFrom(elbv2, rollout.aws.elbv2)})
    rollout.fake.then(40, s.tasks_running(1))
    result = rollout.deploy("--timeout", "5m")
    assert result.code == 4
    assert why_block(result.stdout) == "why:\n  target 10.0.1.17:4567 unhealthy: Target.ResponseCodeMismatch " \
                                       "(Health checks failed with these codes: [503])\n"
    stub.assert_no_pending_responses()


def test_superseded_exits_5(rollout):
    rollout.existing_service()
    rollout.fake.then(25, s.superseded_by(lambda fake: rollout.previous))
    result = rollout.deploy()
    assert result.code == 5
    assert result.stderr == ("error: deployment ecs-svc/10081009 of cruddur-staging-backend-flask:2 was superseded by "
                             "deployment "
                             "ecs-svc/10131014 (cruddur-staging-backend-flask:1)\n")


PULL_FAILURE = ("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask:0123456789ab: not found")
SECRETS_FAILURE = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                   "retrieval failed: unable to retrieve secrets from ssm: AccessDeniedException")


@pytest.mark.parametrize("reason, label", [(PULL_FAILURE, "image not found"), (SECRETS_FAILURE, "secrets unreadable")])
def test_errors_that_will_not_fix_themselves_fail_fast_and_roll_back(rollout, reason, label):
    rollout.existing_service()
    rollout.fake.then(15, s.task_stopped("t3", reason, [("backend-flask", None, "")]))
    result = rollout.deploy()
    assert result.code == 3
    assert result.stderr == (f"error: deployment ecs-svc/10081009 of cruddur-staging-backend-flask:2 cannot succeed: "
                             f"{label} (task t3: {reason}); rolled back: backend-flask returned to "
                             "cruddur-staging-backend-flask:1\n")
    assert why_block(result.stdout) == f"""\
why:
  task t3 stopped (TaskFailedToStart): {reason}
    container backend-flask: exit code none
"""
    assert "rolling back backend-flask to cruddur-staging-backend-flask:1\n" in result.stdout
    updates = [params for op, params in rollout.fake.calls if op == "UpdateService"]
    assert updates[-1] == {"cluster": "cruddur-staging", "service": "backend-flask", "taskDefinition": rollout.previous}
    assert rollout.fake.service()["deployments"][0]["rolloutState"] == "COMPLETED"
    assert rollout.fake.clock() - 1000 < 200, "it must not wait for the circuit breaker"


def test_fail_fast_without_rollback_leaves_the_service_alone(rollout):
    rollout.existing_service()
    rollout.fake.then(15, s.task_stopped("t3", PULL_FAILURE, [("backend-flask", None, "")]))
    result = rollout.deploy("--no-rollback")
    assert result.code == 7
    assert why_block(result.stdout).endswith("  not rolled back (--no-rollback)\n")
    assert [op for op, _ in rollout.fake.calls].count("UpdateService") == 1


def test_verify_failure_exits_6_and_changes_nothing(rollout, aws):
    rollout.existing_service()
    aws.ssm.delete_parameter(Name="/cruddur/staging/backend-flask/CONNECTION_URL")
    result = rollout.deploy()
    assert result.code == 6
    assert result.stderr == ("error: verify failed (1 NG: secret CONNECTION_URL: parameter "
                             "/cruddur/staging/backend-flask/CONNECTION_URL not found); nothing was changed\n")
    assert ("    NG   secret CONNECTION_URL: parameter /cruddur/staging/backend-flask/CONNECTION_URL not found\n"
            in result.stdout)
    assert rollout.mutating_calls() == []


def test_dry_run_makes_no_mutating_call_and_prints_the_calls(rollout):
    rollout.existing_service()
    result = rollout.deploy("--dry-run")
    assert result.code == 0
    assert rollout.mutating_calls() == []
    assert rollout.calls and all(name.startswith(READ_ONLY) for name in rollout.calls)
    plan = json.loads(result.stdout[result.stdout.index("{"):])
    container = plan["registerTaskDefinition"]["containerDefinitions"][0]
    digest = rollout.aws.ecr.describe_images(repositoryName="backend-flask", imageIds=[
        {"imageTag": "0123456789ab"}])["imageDetails"][0]["imageDigest"]
    assert container["image"] == f"123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask@{digest}"
    assert container["dockerLabels"] == {"cruddur.image.tag": "0123456789ab"}
    assert plan["updateService"]["service"] == "backend-flask"
    assert plan["updateService"]["taskDefinition"] == "cruddur-staging-backend-flask"
    assert "launchType" not in plan["updateService"]


def test_json_output_is_one_document_with_the_reasons(rollout):
    rollout.existing_service()
    rollout.fake.then(15, s.task_stopped("t4", PULL_FAILURE, [("backend-flask", None, "")]))
    result = rollout.deploy("--output", "json")
    assert result.code == 3
    document = json.loads(result.stdout)
    assert document["exitCode"] == 3 and document["rolledBackTo"] == rollout.previous
    assert document["why"][0] == f"task t4 stopped (TaskFailedToStart): {PULL_FAILURE}"
    assert "waiting for deployment" in result.stderr


def test_terminal_gets_a_redrawn_table(rollout):
    rollout.existing_service()
    rollout.fake.then(20, s.steady_state)
    result = rollout.deploy(tty=True)
    assert result.code == 0
    header = "DEPLOYMENT  TASK DEFINITION                  ROLLOUT      DESIRED  RUNNING  PENDING  FAILED"
    assert header in result.stdout
    assert "\x1b[" in result.stdout  # the block is redrawn in place
    assert result.stdout.endswith("\x1b[4F\x1b[Jevent: 2026-11-29T12:01:10Z (service backend-flask) has reached a "
                                  "steady state.\nbackend-flask: elapsed 0m20s, remaining 14m40s\n"
                                  "DEPLOYMENT  TASK DEFINITION                  ROLLOUT    DESIRED  RUNNING  PENDING  "
                                  "FAILED\n"
                                  "*PRIMARY    cruddur-staging-backend-flask:2  COMPLETED  1        1        0        "
                                  "0\n"
                                  "deployed: backend-flask runs cruddur-staging-backend-flask:2: deployment "
                                  "ecs-svc/10081009 "
                                  "completed, 1/1 tasks running (0m20s)\nscaling: backend-flask runs 1–4 tasks, "
                                  "tracking ECSServiceAverageCPUUtilization 60, ALBRequestCountPerTarget 300\n")


def test_fail_fast_rolls_back_to_the_last_completed_definition_not_a_stuck_one(rollout):
    rollout.existing_service()
    rollout.push_release("cccccccccccc")
    assert rollout.deploy("--image-tag", "cccccccccccc", "--timeout", "1m").code == 4  # left in progress
    rollout.fake.then(15, s.task_stopped("t5", PULL_FAILURE, [("backend-flask", None, "")]))
    result = rollout.deploy()
    assert result.code == 3
    assert "updating service backend-flask: cruddur-staging-backend-flask:2 -> cruddur-staging-backend-flask:3\n" \
        in result.stdout
    assert result.stderr.endswith("; rolled back: backend-flask returned to cruddur-staging-backend-flask:1\n")


def test_a_successful_deploy_keeps_the_newest_revisions_and_never_one_in_use(rollout, aws):
    rollout.existing_service()                                     # cruddur-staging-backend-flask:1 runs
    first = rollout.deploy_steady("bbbbbbbbbbbb")                  # :2
    # A one-off task still runs on :2 (a migration, say): it must outlive the clean-up.
    task = f"arn:aws:ecs:{REGION}:123456789012:task/cruddur-staging/{'7' * 32}"
    rollout.fake.tasks[task] = {"taskArn": task, "taskDefinitionArn": first, "lastStatus": "RUNNING",
                                "desiredStatus": "RUNNING", "containers": []}
    rollout.deploy_steady("cccccccccccc")                          # :3
    rollout.push_release("dddddddddddd")
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy("--image-tag", "dddddddddddd", "--keep", "1")  # :4
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "deregistered cruddur-staging-backend-flask:3",
        f"kept cruddur-staging-backend-flask:2: still used by running task {'7' * 32}",
        "deregistered cruddur-staging-backend-flask:1"]
    active = aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask", status="ACTIVE")[
        "taskDefinitionArns"]
    assert sorted(arn.rsplit(":", 1)[1] for arn in active) == ["2", "4"]


def test_keep_comes_from_ops_toml_and_zero_keeps_every_revision(rollout, aws):
    rollout.existing_service()
    rollout.push_release("bbbbbbbbbbbb")
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy("--image-tag", "bbbbbbbbbbbb", "--keep", "0")
    assert result.code == 0 and "deregistered" not in result.stdout
    assert len(aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask")["taskDefinitionArns"]) == 2


def test_keep_must_be_a_whole_number(rollout):
    result = rollout.deploy("--keep", "-1")
    assert result.code == 64
    assert "argument --keep: expected a whole number, 0 or more, got '-1'" in result.stderr
