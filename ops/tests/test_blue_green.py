"""Blue/green deploys: the service file with aws/json/blue-green-backend-flask.json laid over it, each lifecycle
stage shown as it happens, and the smoke-test hook that decides before production traffic moves.

ECS's blue/green stages are acted out by tests/scripted_ecs.py (`blue_green`): the moto server has no
deployments. The hook is the real one: the code the dns stack deploys as the cruddur-smoke-test Lambda,
taken from the template and invoked as ECS invokes it, probing a local stand-in for the load balancer's test
rule (127.0.0.1, stopped by the fixture) that answers like the API: blue for plain requests, green for
requests carrying the test header.
"""
from __future__ import annotations

import http.server
import json
import shutil
import threading

import pytest

from cruddur_ops import cfn_template
from tests import scripted_ecs as s

ARN = "arn:aws:{}:us-east-1:123456789012:{}"
BLUE_GREEN_VALUES = {
    "BACKEND_ALTERNATE_TARGET_GROUP_ARN": ARN.format("elasticloadbalancing", "targetgroup/cruddur-backend-flask-alt/3"),
    "API_PRODUCTION_RULE_ARN": ARN.format("elasticloadbalancing", "listener-rule/app/cruddur-alb/1/2/10"),
    "API_TEST_RULE_ARN": ARN.format("elasticloadbalancing", "listener-rule/app/cruddur-alb/1/2/5"),
    "ECS_LOAD_BALANCER_ROLE_ARN": ARN.format("iam", "role/CruddurEcsLoadBalancerRole").replace("us-east-1", ""),
    "ECS_HOOK_ROLE_ARN": ARN.format("iam", "role/CruddurEcsHookRole").replace("us-east-1", ""),
    "SMOKE_TEST_FUNCTION_ARN": ARN.format("lambda", "function:cruddur-smoke-test"),
}


class ListenerRuleStandIn(http.server.ThreadingHTTPServer):
    """The API behind the load balancer's rules: the green version answers requests with the test header."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Answer)
        self.green_ready = True
        self.seen: list[tuple[str, str | None]] = []


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        green = self.headers.get("X-Cruddur-Test-Traffic")
        self.server.seen.append((self.path, green))
        ready = self.server.green_ready if green == "green" else True
        if self.path == "/api/health-check/ready":
            status, body = (200, {"ready": True, "checks": {}}) if ready else (503, {"ready": False, "checks": {}})
        elif self.path == "/api/activities/home":
            status, body = 200, {"items": [], "next_cursor": None}
        else:
            status, body = 404, {"error": "not_found"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def test_rule(monkeypatch):
    server = ListenerRuleStandIn()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def hook(repo_root, monkeypatch):
    """The smoke-test function exactly as the dns stack deploys it, with the environment the stack gives it."""
    function = cfn_template.load(repo_root / "aws/cfn/dns/template.yaml")["Resources"]["SmokeTestFunction"]
    for name, value in function["Properties"]["Environment"]["Variables"].items():
        if name != "API_URL":  # the stack's is https://api.<domain>: the test rule's stand-in replaces it
            monkeypatch.setenv(name, value)
    namespace: dict = {}
    exec(compile(function["Properties"]["Code"]["ZipFile"], "index.py", "exec"), namespace)
    return namespace["handler"]


@pytest.fixture
def blue_green_root(tmp_path, repo_root):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    config = tmp_path / "aws/ops.toml"
    config.write_text(config.read_text().replace('strategy = "rolling"', 'strategy = "blue-green"', 1))
    return tmp_path


def stages_printed(stdout: str) -> list[str]:
    return [line.split()[1] for line in stdout.splitlines() if line.startswith("stage: ")]


def test_a_healthy_green_version_goes_through_every_stage(rollout, test_rule, hook, blue_green_root):
    rollout.existing_service()
    rollout.env.update(BLUE_GREEN_VALUES)
    s.blue_green(rollout.fake, hook)
    result = rollout.deploy(root=blue_green_root)
    assert result.code == 0, result.stderr
    assert stages_printed(result.stdout) == s.BLUE_GREEN_STAGES
    assert "stage: POST_TEST_TRAFFIC_SHIFT (test traffic on the new version: the smoke-test hook runs)\n" \
        in result.stdout
    update = next(params for op, params in rollout.fake.calls if op == "UpdateService")
    configuration = update["deploymentConfiguration"]
    assert (configuration["strategy"], configuration["bakeTimeInMinutes"]) == ("BLUE_GREEN", 10)
    assert configuration["lifecycleHooks"][0]["lifecycleStages"] == ["POST_TEST_TRAFFIC_SHIFT"]
    assert configuration["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}  # kept from the base
    assert configuration["alarms"]["alarmNames"][0] == "cruddur-staging-backend-flask-5xx-rate"
    assert update["loadBalancers"][0]["advancedConfiguration"]["alternateTargetGroupArn"] == \
        BLUE_GREEN_VALUES["BACKEND_ALTERNATE_TARGET_GROUP_ARN"]
    assert test_rule.seen == [("/api/health-check/ready", "green"), ("/api/activities/home", "green")]


def test_a_failing_smoke_test_rolls_back_before_production_traffic_moves(rollout, test_rule, hook,
                                                                          blue_green_root, capsys):
    rollout.existing_service()
    rollout.env.update(BLUE_GREEN_VALUES)
    test_rule.green_ready = False
    s.blue_green(rollout.fake, hook)
    result = rollout.deploy(root=blue_green_root)
    assert result.code == 3
    tested = s.BLUE_GREEN_STAGES.index("POST_TEST_TRAFFIC_SHIFT")
    assert stages_printed(result.stdout) == s.BLUE_GREEN_STAGES[:tested + 1]
    assert "  service deployment ROLLBACK_SUCCESSFUL at POST_TEST_TRAFFIC_SHIFT: lifecycle hook " \
           f"{BLUE_GREEN_VALUES['SMOKE_TEST_FUNCTION_ARN']} returned FAILED at POST_TEST_TRAFFIC_SHIFT; rolled back\n" \
        in result.stdout
    assert result.stderr.endswith("rolled back: backend-flask returned to cruddur-staging-backend-flask:1\n")
    assert rollout.fake.service()["taskDefinition"] == rollout.previous
    logged = json.loads(capsys.readouterr().out.splitlines()[-1])  # the line the Lambda writes to its log
    assert logged == {"stage": "POST_TEST_TRAFFIC_SHIFT",
                      "failures": ["/api/health-check/ready: HTTP Error 503: Service Unavailable"]}


def test_the_hook_fails_when_the_test_rule_does_not_answer(hook, monkeypatch):
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    answer = hook({"lifecycleStage": "POST_TEST_TRAFFIC_SHIFT"}, None)
    assert answer == {"hookStatus": "FAILED"}


def test_rolling_stays_the_default_and_an_unknown_strategy_is_refused(rollout, cli, tmp_path, repo_root):
    result = cli(["render", "backend-flask"], aws=rollout.aws, environ=rollout.env)
    assert result.code == 0, result.stderr
    assert "strategy" not in json.loads(result.stdout)["service"]["deploymentConfiguration"]
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    config = tmp_path / "aws/ops.toml"
    config.write_text(config.read_text().replace('strategy = "rolling"', 'strategy = "canary"', 1))
    refused = cli(["render", "backend-flask"], aws=rollout.aws, environ=rollout.env, root=tmp_path)
    assert refused.code == 1
    assert "strategy must be one of rolling, blue-green, not 'canary'" in refused.stderr
