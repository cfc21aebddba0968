"""connect: ECS Exec pre-flight errors, then the session-manager plugin called as the AWS CLI calls it.
Services and tasks come from tests/scripted_ecs.py; the plugin is replaced by a recorder of its argv
(it would open a real websocket to AWS)."""
import json
import subprocess

import pytest

from tests.conftest import REGION


@pytest.fixture
def running_task(rollout):
    rollout.existing_service()
    service = rollout.fake.service()
    task = rollout.fake.run_task(cluster="cruddur-staging", taskDefinition=service["taskDefinition"],
                                 launchType="FARGATE", startedBy=service["deployments"][0]["id"])["tasks"][0]
    task.update(lastStatus="RUNNING", group="service:backend-flask", enableExecuteCommand=True, containers=[
        {"name": "backend-flask", "runtimeId": "abc123-1234", "lastStatus": "RUNNING",
         "managedAgents": [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}]}])
    return task


def connect(rollout, cli, which=lambda name: f"/usr/bin/{name}", **runtime):
    return cli(["connect", "backend-flask"], aws=rollout.aws, environ={}, which=which, **runtime)


def test_missing_plugin_is_named_with_where_to_get_it(rollout, cli, running_task):
    result = connect(rollout, cli, which=lambda name: None)
    assert (result.code, result.stderr) == (1, "error: session-manager-plugin is not installed (ECS Exec needs it "
                                               "on this machine): https://docs.aws.amazon.com/systems-manager/latest/"
                                               "userguide/session-manager-working-with-install-plugin.html\n")


def test_exec_off_on_the_service_says_how_to_turn_it_on(rollout, cli, running_task):
    rollout.fake.service()["enableExecuteCommand"] = False
    result = connect(rollout, cli)
    assert (result.code, result.stderr) == (1, "error: ECS Exec is off for service backend-flask: set "
                                               "enableExecuteCommand in aws/json/service-backend-flask.json "
                                               "and deploy\n")


def test_agent_not_running_is_explained(rollout, cli, running_task):
    running_task["containers"][0]["managedAgents"][0].update(lastStatus="STOPPED", reason="ssm unreachable")
    result = connect(rollout, cli)
    assert result.stderr == ("error: the ECS Exec agent in backend-flask is STOPPED: ssm unreachable "
                             "(the task role needs ssmmessages:* permissions)\n")


def test_connect_hands_the_session_to_the_plugin(rollout, cli, running_task):
    calls = []

    def plugin(argv):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    result = connect(rollout, cli, subprocess_run=plugin)
    assert (result.code, result.stderr) == (0, "")
    task_id = running_task["taskArn"].rsplit("/", 1)[-1]
    assert calls == [["session-manager-plugin", json.dumps({"sessionId": "ecs-execute-command-1",
                                                            "streamUrl": "wss://ssm", "tokenValue": "session-token"}),
                      REGION, "StartSession", "", json.dumps({"Target": f"ecs:cruddur-staging_{task_id}_abc123-1234"}),
                      rollout.aws.endpoint_url]]
    assert ("ExecuteCommand", {"cluster": "cruddur-staging", "task": running_task["taskArn"],
                               "container": "backend-flask", "interactive": True, "command": "/bin/bash"}) \
        in rollout.fake.calls
