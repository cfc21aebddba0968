"""rollback: back to the last successful deployment's definition, never a failed one; deregister only
what nothing uses. Deployment history is acted out by tests/scripted_ecs.py (moto has no
ListServiceDeployments); task definitions live in the moto server."""
from datetime import timedelta

from tests import scripted_ecs as s


def s_steady_rollback(fake):
    """The deployment the circuit breaker started (back to the old definition) completes."""
    rollback_deployment = fake.service()["deployments"][0]
    rollback_deployment.update(rolloutState="COMPLETED", runningCount=rollback_deployment["desiredCount"])
    fake.set_history_status(rollback_deployment, "SUCCESSFUL")


def rollback(rollout, cli, *flags):
    return cli(["rollback", "backend-flask", *flags], aws=rollout.aws, environ=rollout.env)


def test_rolls_back_from_a_stuck_deployment_to_the_last_successful_one(rollout, cli):
    v1 = rollout.deploy_steady("111111111111")
    v2 = rollout.deploy_steady("222222222222")
    rollout.push_release("333333333333")
    assert rollout.deploy("--image-tag", "333333333333", "--timeout", "1m").code == 4
    rollout.fake.then(30, s.steady_state)
    result = rollback(rollout, cli)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("rolling back backend-flask: cruddur-staging-backend-flask:3 -> "
                                    "cruddur-staging-backend-flask:2 "
                                    "(last successful deployment)\n")
    assert rollout.fake.service()["taskDefinition"] == v2 != v1


def test_rolls_back_past_a_healthy_current_definition_to_the_one_before(rollout, cli):
    v1 = rollout.deploy_steady("111111111111")
    rollout.deploy_steady("222222222222")
    rollout.fake.then(30, s.steady_state)
    result = rollback(rollout, cli)
    assert result.code == 0
    assert rollout.fake.service()["taskDefinition"] == v1


def test_never_returns_to_a_definition_that_failed(rollout, cli):
    rollout.deploy_steady("111111111111")
    rollout.push_release("222222222222")
    rollout.fake.then(20, s.circuit_breaker_rollback).then(40, s_steady_rollback)
    assert rollout.deploy("--image-tag", "222222222222").code == 3
    rollout.fake.calls.clear()
    result = rollback(rollout, cli)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == ("error: no earlier successful deployment of backend-flask to roll back to "
                             "(running cruddur-staging-backend-flask:1)\n")
    assert [op for op, _ in rollout.fake.calls if op == "UpdateService"] == []


def test_finds_the_last_success_behind_more_than_a_page_of_failed_deployments(rollout, cli):
    # ListServiceDeployments answers 20 records a page: the success lies on the second
    v1 = rollout.deploy_steady("111111111111")
    v1_record = rollout.fake.service_deployments[-1]
    failed = v1.rsplit(":", 1)[0] + ":99"
    for n in range(1, 22):
        rollout.fake.service_deployments.append({
            **v1_record, "status": "FAILED", "_taskDefinition": failed,
            "createdAt": v1_record["createdAt"] + timedelta(milliseconds=n),
            "serviceDeploymentArn": f"{v1_record['serviceDeploymentArn']}-failed-{n}",
            "targetServiceRevisionArn": f"{v1_record['targetServiceRevisionArn']}-failed-{n}"})
    rollout.deploy_steady("222222222222")
    rollout.fake.then(30, s.steady_state)
    result = rollback(rollout, cli)
    assert (result.code, result.stderr) == (0, "")
    assert rollout.fake.service()["taskDefinition"] == v1
    pages = [params for op, params in rollout.fake.calls if op == "ListServiceDeployments"]
    assert [p.get("nextToken") for p in pages] == [None, "20"]


def test_deregister_keeps_a_definition_a_running_task_still_uses(rollout, cli):
    rollout.deploy_steady("111111111111")
    v2 = rollout.deploy_steady("222222222222")
    task = rollout.fake.run_task(cluster="cruddur-staging", taskDefinition=v2, launchType="FARGATE")["tasks"][0]
    task["lastStatus"] = "RUNNING"
    rollout.fake.then(30, s.steady_state)
    result = rollback(rollout, cli, "--deregister")
    assert result.code == 0
    assert result.stdout.endswith(f"kept cruddur-staging-backend-flask:2: still used by running task "
                                  f"{task['taskArn'].rsplit('/', 1)[-1]}\n")
    assert rollout.aws.ecs.describe_task_definition(taskDefinition=v2)["taskDefinition"]["status"] == "ACTIVE"


def test_deregister_removes_a_definition_nothing_uses(rollout, cli):
    rollout.deploy_steady("111111111111")
    v2 = rollout.deploy_steady("222222222222")
    rollout.fake.then(30, s.steady_state)
    result = rollback(rollout, cli, "--deregister")
    assert result.code == 0
    assert result.stdout.endswith("deregistered cruddur-staging-backend-flask:2\n")
    assert rollout.aws.ecs.describe_task_definition(taskDefinition=v2)["taskDefinition"]["status"] == "INACTIVE"


def test_dry_run_names_the_target_and_changes_nothing(rollout, cli):
    v1 = rollout.deploy_steady("111111111111")
    rollout.deploy_steady("222222222222")
    result = rollback(rollout, cli, "--dry-run")
    assert result.code == 0
    assert rollout.mutating_calls() == []
    assert v1 in result.stdout
