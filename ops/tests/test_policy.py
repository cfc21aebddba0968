"""The house rules for every task definition and service file under aws/ (checkov has no checks for
plain ECS JSON, so this test is the policy). Each rule names the file and what it expected."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TASK_DEFINITIONS = sorted((ROOT / "aws/task-definitions").glob("*.json"))
SERVICES = {p.stem.removeprefix("service-"): p for p in (ROOT / "aws/json").glob("service-*.json")}


# Every name an environment owns carries it; the files say so through this one placeholder.
OWN = "cruddur-${CRUDDUR_ENVIRONMENT}"


def load(path):
    return json.loads(path.read_text())


def test_every_task_definition_has_a_service_file():
    assert TASK_DEFINITIONS and {p.stem for p in TASK_DEFINITIONS} == set(SERVICES)


@pytest.fixture(params=TASK_DEFINITIONS, ids=lambda p: p.stem)
def task_definition(request):
    return request.param.stem, load(request.param)


def test_runs_on_fargate_in_awsvpc_with_separate_roles(task_definition):
    name, td = task_definition
    assert td["family"] == f"{OWN}-{name}"
    assert td["requiresCompatibilities"] == ["FARGATE"] and td["networkMode"] == "awsvpc"
    assert td["executionRoleArn"].startswith("${") and td["taskRoleArn"].startswith("${")
    assert td["executionRoleArn"] != td["taskRoleArn"], "execution role and task role must differ"


def test_containers_are_non_root_read_only_and_unprivileged(task_definition):
    _, td = task_definition
    volumes = {v["name"] for v in td.get("volumes", [])}
    for c in td["containerDefinitions"]:
        uid = c.get("user", "root").split(":")[0]
        assert uid not in ("root", "0") and uid.isdigit() and int(uid) >= 1000, f"{c['name']}: user {uid}"
        assert c.get("readonlyRootFilesystem") is True, f"{c['name']}: root filesystem must be read-only"
        assert not c.get("privileged"), f"{c['name']}: privileged"
        assert c.get("linuxParameters", {}).get("capabilities", {}).get("drop") == ["ALL"], \
            f"{c['name']}: must drop every Linux capability"
        tmp = [m for m in c.get("mountPoints", []) if m["containerPath"] == "/tmp"]
        assert tmp and tmp[0]["sourceVolume"] in volumes and not tmp[0].get("readOnly"), \
            f"{c['name']}: needs a writable /tmp volume"


def test_images_are_pinned_to_the_commit_tag(task_definition):
    name, td = task_definition
    images = [c["image"] for c in td["containerDefinitions"]]
    assert f"${{ECR_REGISTRY}}/{name}:${{IMAGE_TAG}}" in images
    assert not any(image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1] for image in images)


def test_app_container_has_a_health_check_and_named_ports(task_definition):
    name, td = task_definition
    app = next(c for c in td["containerDefinitions"] if c["name"] == name)
    assert app["healthCheck"]["command"][0] in ("CMD", "CMD-SHELL")
    assert app["healthCheck"]["startPeriod"] > 0
    if name == "backend-flask":
        assert app["healthCheck"]["command"] == ["CMD", "python", "/backend-flask/bin/health-check"]
    assert app["portMappings"] and all(m.get("name") for m in app["portMappings"])


def test_logs_go_to_the_service_log_group(task_definition):
    name, td = task_definition
    for c in td["containerDefinitions"]:
        log = c["logConfiguration"]
        assert log["logDriver"] == "awslogs"
        assert log["options"]["awslogs-group"] == f"/cruddur/${{CRUDDUR_ENVIRONMENT}}/{name}"
        assert log["options"]["awslogs-region"] and log["options"]["awslogs-stream-prefix"]


def test_secrets_are_ssm_parameter_arns_under_the_service_path(task_definition):
    name, td = task_definition
    pattern = re.compile(r"^arn:aws:ssm:\$\{AWS_DEFAULT_REGION\}:\$\{AWS_ACCOUNT_ID\}:parameter/cruddur/"
                         r"\$\{CRUDDUR_ENVIRONMENT\}/" + re.escape(name) + r"/[A-Z_]+$")
    for c in td["containerDefinitions"]:
        for secret in c.get("secrets", []):
            assert pattern.match(secret["valueFrom"]), secret
            assert secret["valueFrom"].endswith("/" + secret["name"])
        for env in c.get("environment", []):
            assert not re.search(r"PASSWORD|SECRET|TOKEN|CONNECTION_URL", env["name"]), env["name"]
    if name == "backend-flask":
        assert {s["name"] for s in td["containerDefinitions"][0]["secrets"]} >= {"CONNECTION_URL"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_services_roll_back_on_failure_and_wait_out_start_up(name):
    service, td = load(SERVICES[name]), load(ROOT / f"aws/task-definitions/{name}.json")
    assert service["serviceName"] == name and service["taskDefinition"] == td["family"]
    breaker = service["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    start_period = max(c.get("healthCheck", {}).get("startPeriod", 0) for c in td["containerDefinitions"])
    assert service["healthCheckGracePeriodSeconds"] >= start_period
    assert service["enableExecuteCommand"] is True
    assert service["launchType"] == "FARGATE"
    assert service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_load_balancer_and_service_connect_point_at_a_real_container_port(name):
    service, td = load(SERVICES[name]), load(ROOT / f"aws/task-definitions/{name}.json")
    ports = {(c["name"], m["containerPort"]) for c in td["containerDefinitions"] for m in c["portMappings"]}
    port_names = {m["name"] for c in td["containerDefinitions"] for m in c["portMappings"]}
    for lb in service["loadBalancers"]:
        assert (lb["containerName"], lb["containerPort"]) in ports
    connect = service["serviceConnectConfiguration"]
    assert connect["enabled"] is True and connect["namespace"] == OWN
    assert {s["portName"] for s in connect["services"]} <= port_names
