"""deploy as a release: migrations on the new definition before the rollout, crash loops rolled back at once,
deployment alarms, interrupts, every service in one command, and rolling the same definition again.

ECS rollouts, one-off tasks and alarm-triggered rollbacks are acted out by tests/scripted_ecs.py (a scripted
fake speaking the real ECS API shapes, requests validated against botocore's model): the moto server cannot
progress a deployment or stop a task. CloudWatch alarms and their states, logs, SSM, ECR, KMS and task
definitions are the moto server over HTTP. The clock is a fake: the suite waits no real second.
"""
import json
import shutil

from tests import scripted_ecs as s
from tests.conftest import PREVIOUS_TAG

MIGRATE = ["python", "-m", "cruddur.admin", "db", "migrate"]


def runs(rollout, operation):
    return [params for op, params in rollout.fake.calls if op == operation]


# --- migrations -------------------------------------------------------------------------------------------
def test_migrations_run_on_the_new_definition_in_the_services_network_before_the_rollout(rollout):
    rollout.existing_service()
    rollout.fake.migration.update(after=40, lines=["applying 0004_likes", "applied 0004_likes"])
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy()
    assert result.code == 0, result.stderr
    [task] = runs(rollout, "RunTask")
    # the new one, not the running :1
    assert task["taskDefinition"].endswith(":task-definition/cruddur-staging-backend-flask:2")
    assert task["overrides"] == {"containerOverrides": [{"name": "backend-flask", "command": MIGRATE}]}
    assert task["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == \
        rollout.world["PRIVATE_SUBNET_IDS"].split(",")
    assert task["startedBy"] == "cruddur-ops-migrate"
    operations = [op for op, _ in rollout.fake.calls if op in ("RunTask", "UpdateService")]
    assert operations == ["RunTask", "UpdateService"]
    lines = result.stdout.splitlines()
    assert lines.index("  | applying 0004_likes") \
        < lines.index("migrations: done on cruddur-staging-backend-flask:2 (exit 0)") \
        < lines.index("updating service backend-flask: cruddur-staging-backend-flask:1 -> "
                      "cruddur-staging-backend-flask:2")


def test_a_failed_migration_stops_the_release_with_exit_11_and_leaves_the_service_alone(rollout):
    rollout.existing_service()
    rollout.fake.migration.update(exit_code=1, lines=[f"line {i}" for i in range(30)] + [
        'psycopg.errors.DuplicateColumn: column "likes" of relation "activities" already exists'])
    result = rollout.deploy()
    assert result.code == 11
    assert result.stderr == ("error: migrations failed on cruddur-staging-backend-flask:2: "
                             "`python -m cruddur.admin db migrate` "
                             "exited with 1; backend-flask was not changed (still cruddur-staging-backend-flask:1)\n")
    why = result.stdout[result.stdout.index("why:\n"):]
    task_id = [arn.rsplit("/", 1)[-1] for arn, task in rollout.fake.tasks.items()
               if task["startedBy"] == "cruddur-ops-migrate"][-1]
    assert why == (f"why:\n  migration task {task_id} exited with 1; its last log lines:\n"
                   + "".join(f"    | line {i}\n" for i in range(11, 30))
                   + '    | psycopg.errors.DuplicateColumn: column "likes" of relation "activities" already exists\n')
    assert runs(rollout, "UpdateService") == []
    assert rollout.fake.service()["taskDefinition"] == rollout.previous


def test_skip_migrations_is_loud_and_runs_no_task(rollout):
    rollout.existing_service()
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy("--skip-migrations")
    assert result.code == 0
    assert runs(rollout, "RunTask") == []
    assert "warning: --skip-migrations: backend-flask rolls out cruddur-staging-backend-flask:2 without running " \
           "`python -m cruddur.admin db migrate`" in result.stderr


def test_a_service_without_migrations_runs_no_task(rollout):
    rollout.existing_service("frontend-react-js")
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy(service="frontend-react-js")
    assert result.code == 0, result.stderr
    assert runs(rollout, "RunTask") == [] and "migrations" not in result.stdout


def test_dry_run_shows_the_migration_task_and_changes_nothing(rollout):
    rollout.existing_service()
    result = rollout.deploy("--dry-run")
    assert result.code == 0 and rollout.mutating_calls() == []
    plan = json.loads(result.stdout[result.stdout.index("{"):])
    assert plan["runTask"]["overrides"]["containerOverrides"][0]["command"] == MIGRATE


def test_interrupt_during_migrations_says_the_task_carries_on_and_the_service_is_unchanged(rollout):
    rollout.existing_service()
    original = rollout.fake.describe_tasks

    def interrupted(**params):
        raise KeyboardInterrupt

    rollout.fake.describe_tasks = interrupted
    result = rollout.deploy()
    rollout.fake.describe_tasks = original
    assert result.code == 130
    assert result.stderr.startswith("error: interrupted while migrations ran: task ")
    assert "carries on without us (each migration commits on its own); backend-flask was not changed" \
        in result.stderr
    assert runs(rollout, "UpdateService") == []


# --- crash loops ------------------------------------------------------------------------------------------
CRASH = ("Essential container in task exited", [("backend-flask", 1, "")])


def test_a_crash_loop_is_rolled_back_at_once_and_names_the_revision_returned_to(rollout, clock):
    rollout.existing_service()
    started = clock()
    for second, task in ((20, "c1"), (50, "c2"), (80, "c3")):
        rollout.fake.then(second, s.task_stopped(task, CRASH[0], CRASH[1], stop_code="EssentialContainerExited"))
    result = rollout.deploy()
    assert result.code == 3
    assert result.stderr == (
        "error: deployment ecs-svc/10081009 of cruddur-staging-backend-flask:2 cannot succeed: crash loop: "
        "3 tasks stopped with "
        '"Essential container in task exited" (backend-flask exit 1); rolled back: backend-flask returned to '
        "cruddur-staging-backend-flask:1\n")
    assert runs(rollout, "UpdateService")[-1]["taskDefinition"] == rollout.previous
    service = rollout.fake.service()
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [
        (rollout.previous, "COMPLETED")]
    # migration 10 s, third stop at 80 s (seen within a poll), rollback settled 30 s later
    assert clock() - started <= 10 + 85 + 35, "it must not wait for the circuit breaker"


def test_stops_for_different_reasons_are_not_a_crash_loop(rollout):
    rollout.existing_service()
    rollout.fake.then(20, s.task_stopped("d1", CRASH[0], [("backend-flask", 1, "")])) \
        .then(40, s.task_stopped("d2", CRASH[0], [("backend-flask", 137, "OutOfMemoryError")])) \
        .then(60, s.task_stopped("d3", "Task failed ELB health checks", [("backend-flask", None, "")])) \
        .then(90, s.steady_state)
    assert rollout.deploy().code == 0


def test_crash_loop_threshold_is_a_flag_and_no_rollback_leaves_it(rollout):
    rollout.existing_service()
    rollout.fake.then(20, s.task_stopped("e1", *CRASH)).then(40, s.task_stopped("e2", *CRASH))
    result = rollout.deploy("--crash-loop", "2", "--no-rollback")
    assert result.code == 7
    assert "crash loop: 2 tasks stopped" in result.stderr
    assert result.stdout.endswith("  not rolled back (--no-rollback)\n")
    assert len(runs(rollout, "UpdateService")) == 1


# --- deployment alarms --------------------------------------------------------------------------------------
ALARM = "cruddur-staging-backend-flask-5xx-rate"


def test_an_alarm_during_bake_is_reported_with_its_reason_and_the_revision_returned_to(rollout, aws, repo_root):
    aws.cloudwatch.put_metric_alarm(AlarmName=ALARM, Namespace="AWS/ApplicationELB",
                                    MetricName="HTTPCode_Target_5XX_Count", Statistic="Sum", Period=60,
                                    EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold")
    service_file = json.loads((repo_root / "aws/json/service-backend-flask.json").read_text())
    assert ALARM.replace("staging", "${CRUDDUR_ENVIRONMENT}") in \
        service_file["deploymentConfiguration"]["alarms"]["alarmNames"]
    rollout.existing_service()

    def alarm_fires(fake):
        aws.cloudwatch.set_alarm_state(AlarmName=ALARM, StateValue="ALARM",
                                       StateReason="Threshold Crossed: 1 datapoint [12.0] was greater than 5.0")
        s.alarm_rollback(ALARM)(fake)

    rollout.fake.then(20, s.tasks_running(1)).then(30, s.old_tasks_drained).then(100, alarm_fires)
    result = rollout.deploy()
    assert result.code == 3
    assert "; baking: ECS watches cruddur-staging-backend-flask-5xx-rate, " in result.stdout
    assert f"  alarm {ALARM} is ALARM: Threshold Crossed: 1 datapoint [12.0] was greater than 5.0\n" in result.stdout
    assert result.stderr.endswith(f"failed: Rolling back to deployment: alarm(s) triggered: {ALARM}; "
                                  "rolled back: backend-flask returned to cruddur-staging-backend-flask:1\n")
    assert rollout.fake.service()["taskDefinition"] == rollout.previous


# --- interrupts ---------------------------------------------------------------------------------------------
def ctrl_c(fake):
    raise KeyboardInterrupt


def test_interrupt_mid_rollout_says_what_is_left_and_what_ecs_will_do(rollout):
    rollout.existing_service()
    rollout.fake.then(20, s.tasks_running(0)).then(40, ctrl_c)
    result = rollout.deploy()
    assert result.code == 130
    assert result.stderr == (
        "error: interrupted: deployment ecs-svc/10081009 of cruddur-staging-backend-flask:2 is IN_PROGRESS "
        "(0/1 tasks running). "
        "ECS carries on without us: it completes the deployment, or its circuit breaker rolls it back to "
        "cruddur-staging-backend-flask:1 if its tasks keep failing. Follow with: status backend-flask; "
        "undo with: rollback "
        "backend-flask\n")
    assert len(runs(rollout, "UpdateService")) == 1
    primary = rollout.fake.service()["deployments"][0]
    assert (primary["status"], primary["rolloutState"]) == ("PRIMARY", "IN_PROGRESS")  # left to ECS, as said


def test_interrupt_with_rollback_returns_to_the_previous_revision_before_exiting(rollout):
    rollout.existing_service()
    rollout.fake.then(20, ctrl_c)
    result = rollout.deploy("--on-interrupt", "rollback")
    assert result.code == 130
    assert result.stderr.endswith("error: interrupted, and rolled back: backend-flask returned to "
                                  "cruddur-staging-backend-flask:1\n")
    assert "rolling back to cruddur-staging-backend-flask:1 (--on-interrupt rollback)" in result.stdout
    service = rollout.fake.service()
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [
        (rollout.previous, "COMPLETED")]


# --- every service in one command ---------------------------------------------------------------------------
def test_all_deploys_backend_then_frontend(rollout):
    rollout.existing_service()
    rollout.existing_service("frontend-react-js")
    rollout.fake.then(30, s.steady_state).then(31, s.steady_state)
    result = rollout.deploy("--all", service=None)
    assert result.code == 0, result.stderr
    updated = [params["service"] for params in runs(rollout, "UpdateService")]
    assert updated == ["backend-flask", "frontend-react-js"]
    assert result.stdout.startswith("== backend-flask (1/2)\n")
    assert "== frontend-react-js (2/2)\n" in result.stdout
    assert result.stdout.endswith("release deployed: backend-flask, frontend-react-js\n")


def test_all_stops_at_the_first_failure_and_says_what_was_not_deployed(rollout):
    rollout.existing_service()
    rollout.existing_service("frontend-react-js")
    rollout.fake.migration.update(exit_code=2)
    result = rollout.deploy("--all", service=None)
    assert result.code == 11
    assert "release stopped at backend-flask (exit 11): deployed nothing; not deployed: backend-flask, " \
           "frontend-react-js\n" in result.stdout
    assert result.stderr.startswith("error: backend-flask: migrations failed on cruddur-staging-backend-flask:")
    assert runs(rollout, "UpdateService") == []


def test_all_and_a_service_together_is_a_usage_error(rollout):
    result = rollout.deploy("--all")
    assert result.code == 64
    assert result.stderr == "error: name one service or pass --all, not both\n"


def test_no_service_deploys_all_when_ops_toml_says_so(rollout, tmp_path, repo_root):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    config = tmp_path / "aws/ops.toml"
    config.write_text(config.read_text().replace("deploy_all_by_default = false", "deploy_all_by_default = true"))
    rollout.existing_service()
    rollout.existing_service("frontend-react-js")
    rollout.fake.then(30, s.steady_state).then(31, s.steady_state)
    result = rollout.deploy(service=None, root=tmp_path)
    assert result.code == 0, result.stderr
    assert [params["service"] for params in runs(rollout, "UpdateService")] == ["backend-flask", "frontend-react-js"]
    without = rollout.deploy(service=None)
    assert without.code == 64 and "or pass --all" in without.stderr


# --- the same definition again ------------------------------------------------------------------------------
def test_force_new_deployment_rolls_the_running_definition_again(rollout):
    rollout.existing_service()
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy("--force-new-deployment")
    assert result.code == 0, result.stderr
    assert runs(rollout, "UpdateService") == [{"cluster": "cruddur-staging", "service": "backend-flask",
                                                "taskDefinition": rollout.previous, "forceNewDeployment": True}]
    assert "RegisterTaskDefinition" not in rollout.calls and runs(rollout, "RunTask") == []
    assert "rolling backend-flask again on cruddur-staging-backend-flask:1 (--force-new-deployment" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(
        "deployed: backend-flask runs cruddur-staging-backend-flask:1: deployment ")
    assert len(rollout.fake.service()["deployments"]) == 1


def test_force_new_deployment_needs_a_service(rollout):
    result = rollout.deploy("--force-new-deployment")
    assert result.code == 1
    assert "does not exist in cluster cruddur-staging yet; deploy it without the flag first" in result.stderr


def test_migrations_run_when_the_service_is_created(rollout):
    rollout.push_release(PREVIOUS_TAG)
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy("--image-tag", PREVIOUS_TAG)
    assert result.code == 0, result.stderr
    assert [op for op, _ in rollout.fake.calls if op in ("RunTask", "CreateService")] == ["RunTask", "CreateService"]
