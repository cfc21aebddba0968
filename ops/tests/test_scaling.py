"""Autoscaling that deploy respects, and the connection budget that verify holds it to.

Application Auto Scaling, RDS (instances, parameter groups), ELBv2 and task definitions are the moto server
over HTTP; rollouts are the scripted ECS (tests/scripted_ecs.py), which also creates each service in the
emulator so that Application Auto Scaling there finds it.
"""
import json
import shutil

from tests import scripted_ecs as s

BACKEND = "service/cruddur-staging/backend-flask"


def autoscaling(rollout):
    return rollout.aws.client("application-autoscaling")


def copy_of_aws(tmp_path, repo_root):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    return tmp_path


def test_a_new_service_gets_its_count_then_its_scaling(rollout):
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy()
    assert result.code == 0, result.stderr
    [create] = [params for op, params in rollout.fake.calls if op == "CreateService"]
    assert create["desiredCount"] == 1
    [target] = autoscaling(rollout).describe_scalable_targets(ServiceNamespace="ecs",
                                                              ResourceIds=[BACKEND])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 4)
    policies = {p["PolicyName"]: p["TargetTrackingScalingPolicyConfiguration"] for p in autoscaling(
        rollout).describe_scaling_policies(ServiceNamespace="ecs", ResourceId=BACKEND)["ScalingPolicies"]}
    assert policies["cruddur-staging-backend-flask-cpu"]["TargetValue"] == 60.0
    requests = policies["cruddur-staging-backend-flask-requests"]["PredefinedMetricSpecification"]
    [alb] = [b["LoadBalancerArn"] for b in
             rollout.aws.elbv2.describe_load_balancers(Names=["cruddur-staging-alb"])["LoadBalancers"]]
    assert requests["ResourceLabel"] == (alb.split(":loadbalancer/")[1] + "/"
                                         + rollout.world["BACKEND_TARGET_GROUP_ARN"].split(":", 5)[5])
    assert "desiredCount: left to autoscaling" not in result.stdout


def test_once_scaled_deploy_leaves_the_count_alone_and_says_so(rollout):
    rollout.existing_service()                      # created, then scaling registered (1-4)
    autoscaling(rollout).register_scalable_target(ServiceNamespace="ecs", ResourceId=BACKEND,
                                                  ScalableDimension="ecs:service:DesiredCount",
                                                  MinCapacity=2, MaxCapacity=4)
    rollout.fake.then(30, s.steady_state)
    result = rollout.deploy()
    assert result.code == 0, result.stderr
    [update] = [params for op, params in rollout.fake.calls if op == "UpdateService"]
    assert "desiredCount" not in update
    assert "desiredCount: left to autoscaling (2–4 tasks, 1 desired now); the service file's count applies only " \
           "on create\n" in result.stdout


def test_without_a_scalable_target_the_files_count_is_sent(rollout):
    rollout.existing_service()
    autoscaling(rollout).deregister_scalable_target(ServiceNamespace="ecs", ResourceId=BACKEND,
                                                    ScalableDimension="ecs:service:DesiredCount")
    rollout.fake.then(30, s.steady_state)
    assert rollout.deploy("--dry-run").code == 0
    result = rollout.deploy()
    assert result.code == 0, result.stderr
    [update] = [params for op, params in rollout.fake.calls if op == "UpdateService"]
    assert update["desiredCount"] == 1


def verify(cli, rollout, root=None):
    return cli(["verify", "backend-flask", "--output", "json"], aws=rollout.aws, environ=rollout.env,
               **({"root": root} if root else {}))


def budget_line(result) -> dict:
    return next(c for c in json.loads(result.stdout)["checks"] if c["subject"] == "connections of backend-flask")


def test_a_scaling_maximum_that_could_exhaust_the_database_is_refused_with_the_arithmetic(rollout, cli, tmp_path,
                                                                                         repo_root):
    root = copy_of_aws(tmp_path, repo_root)
    path = root / "aws/environments/staging.toml"  # the environment's maximum fills the scaling file's
    path.write_text(path.read_text().replace("BACKEND_FLASK_MAX_TASKS = 4", "BACKEND_FLASK_MAX_TASKS = 10"))
    result = verify(cli, rollout, root)
    assert result.code == 6
    assert budget_line(result) == {
        "code": 0, "group": "database", "status": "NG", "subject": "connections of backend-flask",
        "detail": "20 tasks at most (10 scaled × 200% while deploying) × 2 workers × pool 4 + 2 one-off = 162 > 80 "
                  "max_connections of cruddur-staging-db − 10 reserve = 70"}


def test_the_live_maximum_counts_too(rollout, cli):
    rollout.existing_service()
    autoscaling(rollout).register_scalable_target(ServiceNamespace="ecs", ResourceId=BACKEND,
                                                  ScalableDimension="ecs:service:DesiredCount",
                                                  MinCapacity=1, MaxCapacity=6)
    result = verify(cli, rollout)
    assert result.code == 6
    assert budget_line(result)["detail"].startswith("12 tasks at most (6 scaled × 200% while deploying)")


def test_workers_and_pool_must_be_in_the_task_definition(rollout, cli, tmp_path, repo_root):
    root = copy_of_aws(tmp_path, repo_root)
    path = root / "aws/task-definitions/backend-flask.json"
    path.write_text(path.read_text().replace('{"name": "DB_POOL_MAX_SIZE", "value": "4"},', ""))
    result = verify(cli, rollout, root)
    assert result.code == 6
    assert budget_line(result)["detail"] == ("set GUNICORN_WORKERS and DB_POOL_MAX_SIZE in the task definition's "
                                             "environment: the budget multiplies them")


def test_a_formula_is_not_a_budget(rollout, cli):
    rollout.aws.rds.modify_db_parameter_group(DBParameterGroupName="cruddur-staging-postgres18", Parameters=[
        {"ParameterName": "max_connections", "ParameterValue": "{DBInstanceClassMemory/9531392}",
         "ApplyMethod": "pending-reboot"}])
    line = budget_line(verify(cli, rollout))
    assert (line["status"], line["detail"]) == ("NG", "max_connections of parameter group cruddur-staging-postgres18 "
                                                      "is "
                                                      "'{DBInstanceClassMemory/9531392}', not a number: set it in the "
                                                      "data stack's parameter group")


def test_no_database_yet_skips_the_budget(rollout, cli):
    rollout.aws.rds.delete_db_instance(DBInstanceIdentifier="cruddur-staging-db", SkipFinalSnapshot=True)
    result = verify(cli, rollout)
    assert result.code == 0
    assert budget_line(result)["status"] == "SKIP"
    assert budget_line(result)["detail"] == \
        "no instance cruddur-staging-db (data stack not deployed?): budget not checked"


def test_the_frontend_has_no_budget(rollout, cli):
    result = cli(["verify", "frontend-react-js", "--output", "json"], aws=rollout.aws, environ=rollout.env)
    assert result.code == 0, result.stderr
    assert not [c for c in json.loads(result.stdout)["checks"] if c["group"] == "database"]
