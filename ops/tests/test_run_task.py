"""run: a one-off task on the service's definition and network, exiting with the container's code.
Task progress is acted out by tests/scripted_ecs.py (moto never stops a task); logs are in moto."""
from tests import scripted_ecs as s
from tests.conftest import put_log_lines

# The one-off migration as docs/deploy.md prints it (the container proof runs it inside the image).
MIGRATE = ("python", "-m", "cruddur.admin", "db", "migrate")


def test_run_exits_with_the_container_exit_code_and_shows_its_logs(rollout, cli, aws):
    rollout.existing_service()
    rollout.fake.then(40, s.task_finished(3))
    result = cli(["run", "backend-flask", "--", *MIGRATE], aws=rollout.aws, environ={})
    assert result.code == 3
    call = next(params for op, params in rollout.fake.calls if op == "RunTask")
    assert call["overrides"] == {"containerOverrides": [{"name": "backend-flask", "command": list(MIGRATE)}]}
    assert call["taskDefinition"] == rollout.previous
    assert call["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == \
        rollout.world["PRIVATE_SUBNET_IDS"].split(",")
    task_id = rollout.fake._started["taskArn"].rsplit("/", 1)[-1]
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"started task {task_id} on cruddur-staging-backend-flask:1",
                         f"task {task_id}: PROVISIONING (0m00s)",
                         f"task {task_id}: STOPPED (0m40s)"]
    assert lines[3].startswith("(no log lines: ")  # the task wrote nothing; the emulator's reason follows
    assert lines[4:] == ["backend-flask exited with 3"]


def test_run_success_is_0_and_prints_the_log_tail(rollout, cli, aws):
    rollout.existing_service()
    rollout.fake.then(10, s.task_finished(0))
    original_run_task = rollout.fake.run_task

    def run_task_then_log(**params):
        response = original_run_task(**params)
        put_log_lines(aws, response["tasks"][0]["taskArn"].rsplit("/", 1)[-1], "backend-flask", 2)
        return response

    rollout.fake.run_task = run_task_then_log
    result = cli(["run", "backend-flask"], aws=rollout.aws, environ={})
    assert result.code == 0
    assert "backend-flask line 0\nbackend-flask line 1\nbackend-flask exited with 0\n" in result.stdout


def test_run_times_out_with_exit_4(rollout, cli):
    rollout.existing_service()
    result = cli(["run", "backend-flask", "--timeout", "1m"], aws=rollout.aws, environ={})
    assert result.code == 4
    task_id = rollout.fake._started["taskArn"].rsplit("/", 1)[-1]
    assert result.stderr == f"error: timed out after 1m00s; task {task_id} is still PROVISIONING (not stopped)\n"
