"""The deployment alarms: every alarm a service file hands ECS (deploymentConfiguration.alarms) is defined
in the cluster stack, watches that service's own target group on the stack's load balancer, and rolls back.

Read from the template: moto's CloudFormation does not model AWS::CloudWatch::Alarm (it skips the
resource), so the alarms cannot be deployed into the emulator; cfn-lint and checkov check their shape,
and tests/test_deploy_release.py acts out an alarm going to ALARM during a rollout's bake time.
"""
import json

import pytest

from cruddur_ops import cfn_template

TARGET_GROUPS = {"backend-flask": "BackendTargetGroup", "frontend-react-js": "FrontendTargetGroup"}


def _as_in_service_files(name: dict) -> str:
    """A template's `!Sub cruddur-${Environment}-...` as the service files spell it, with their placeholder."""
    return name["Fn::Sub"].replace("${Environment}", "${CRUDDUR_ENVIRONMENT}")


@pytest.fixture
def alarms(repo_root) -> dict[str, dict]:
    template = cfn_template.load(repo_root / "aws/cfn/cluster/template.yaml")
    return {_as_in_service_files(r["Properties"]["AlarmName"]): r["Properties"]
            for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"}


def dimensions_of(alarm: dict) -> list[list[dict]]:
    if "Metrics" in alarm:
        return [m["MetricStat"]["Metric"]["Dimensions"] for m in alarm["Metrics"] if "MetricStat" in m]
    return [alarm["Dimensions"]]


@pytest.mark.parametrize("service", sorted(TARGET_GROUPS))
def test_each_service_rolls_back_on_its_own_alarms(service, alarms, repo_root):
    configured = json.loads((repo_root / f"aws/json/service-{service}.json").read_text())[
        "deploymentConfiguration"]["alarms"]
    assert (configured["enable"], configured["rollback"]) == (True, True)
    own = f"cruddur-${{CRUDDUR_ENVIRONMENT}}-{service}"
    assert configured["alarmNames"] == [f"{own}-5xx-rate", f"{own}-p99-latency", f"{own}-unhealthy-hosts"]
    for name in configured["alarmNames"]:
        assert name in alarms, f"{name} is not defined in aws/cfn/cluster/template.yaml"
        for dimensions in dimensions_of(alarms[name]):
            assert dimensions == [
                {"Name": "TargetGroup", "Value": {"Fn::GetAtt": [TARGET_GROUPS[service], "TargetGroupFullName"]}},
                {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]}}]


def test_alarms_need_two_bad_minutes_and_stay_quiet_without_traffic(alarms):
    for name, alarm in alarms.items():
        assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (2, 2), name
        assert alarm["TreatMissingData"] == "notBreaching", name
    rate = alarms["cruddur-${CRUDDUR_ENVIRONMENT}-backend-flask-5xx-rate"]
    [expression] = [m for m in rate["Metrics"] if m.get("ReturnData")]
    assert expression["Expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    assert alarms["cruddur-${CRUDDUR_ENVIRONMENT}-backend-flask-p99-latency"]["ExtendedStatistic"] == "p99"
