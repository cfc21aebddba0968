"""The alarms and the dashboard of an environment. The deployment alarms: every alarm a service file hands
ECS (deploymentConfiguration.alarms) is defined in the cluster stack, watches that service's own target group
on the stack's load balancer, and rolls back. The monitoring stack's alarms (services, database, messages
table) and the deployment alarms all notify the environment's topic; the dashboard shows them all, and the
API's own per-route metrics (Cruddur/Api: Requests and Latency by Environment, Route, Method).

Read from the template: moto's CloudFormation does not model AWS::CloudWatch::Alarm (it skips the
resource), so the alarms cannot be deployed into the emulator; cfn-lint and checkov check their shape,
and tests/test_deploy_release.py acts out an alarm going to ALARM during a rollout's bake time.
"""
import json
import re
from pathlib import Path

import pytest

from cruddur_ops import cfn_template, config

ROOT = Path(__file__).resolve().parents[2]

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


# --- The environment's other alarms and its dashboard (monitoring stack) ------------------------------------

MONITORING = cfn_template.load(ROOT / "aws/cfn/monitoring/template.yaml")
CLUSTER = cfn_template.load(ROOT / "aws/cfn/cluster/template.yaml")
TOPIC_IMPORT = {"Fn::ImportValue": {"Fn::Sub": "cruddur-${Environment}-cluster-AlarmTopicArn"}}
OWN = {"service": lambda name: [{"Name": "ClusterName", "Value": {"Fn::Sub": "cruddur-${Environment}"}},
                                {"Name": "ServiceName", "Value": name}],
       "database": [{"Name": "DBInstanceIdentifier", "Value": {"Fn::Sub": "cruddur-${Environment}-db"}}],
       "table": [{"Name": "TableName", "Value": {"Fn::Sub": "cruddur-${Environment}-messages"}}]}
# Each alarm: the metric it watches, in which namespace, by which dimensions, against which parameter.
EXPECTED = {
    "cruddur-${Environment}-backend-flask-cpu": ("AWS/ECS", "CPUUtilization", OWN["service"]("backend-flask"),
                                                 "ServiceCpuPercent"),
    "cruddur-${Environment}-backend-flask-memory": ("AWS/ECS", "MemoryUtilization",
                                                    OWN["service"]("backend-flask"), "ServiceMemoryPercent"),
    "cruddur-${Environment}-frontend-react-js-cpu": ("AWS/ECS", "CPUUtilization",
                                                     OWN["service"]("frontend-react-js"), "ServiceCpuPercent"),
    "cruddur-${Environment}-frontend-react-js-memory": ("AWS/ECS", "MemoryUtilization",
                                                        OWN["service"]("frontend-react-js"), "ServiceMemoryPercent"),
    "cruddur-${Environment}-db-cpu": ("AWS/RDS", "CPUUtilization", OWN["database"], "DatabaseCpuPercent"),
    "cruddur-${Environment}-db-free-storage": ("AWS/RDS", "FreeStorageSpace", OWN["database"],
                                               "DatabaseFreeStorageBytes"),
    "cruddur-${Environment}-db-connections": ("AWS/RDS", "DatabaseConnections", OWN["database"],
                                              "DatabaseConnections"),
}


def monitoring_alarms() -> dict[str, dict]:
    return {r["Properties"]["AlarmName"]["Fn::Sub"]: r["Properties"] for r in MONITORING["Resources"].values()
            if r["Type"] == "AWS::CloudWatch::Alarm"}


def test_every_alarm_of_both_stacks_notifies_the_environments_topic():
    topic = CLUSTER["Resources"]["AlarmTopic"]["Properties"]
    assert topic["TopicName"] == {"Fn::Sub": "cruddur-${Environment}-alarms"}
    assert CLUSTER["Outputs"]["AlarmTopicArn"]["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-AlarmTopicArn"}}
    subscription = CLUSTER["Resources"]["AlarmEmailSubscription"]
    assert (subscription["Properties"]["Protocol"], subscription["Properties"]["Endpoint"]) == \
        ("email", {"Ref": "AlarmEmail"})
    for env in ("staging", "prod"):  # the address comes from the environment file
        assert "@" in config.load_environment(ROOT, env).parameters["cluster"]["AlarmEmail"]
    for resource in CLUSTER["Resources"].values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            properties = resource["Properties"]
            assert properties["AlarmActions"] == properties["OKActions"] == [{"Ref": "AlarmTopic"}]
    for name, alarm in monitoring_alarms().items():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [TOPIC_IMPORT], name


def test_each_alarm_watches_its_own_metric_with_a_threshold_from_a_parameter():
    alarms = monitoring_alarms()
    for name, (namespace, metric, dimensions, parameter) in EXPECTED.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"]) == (namespace, metric, dimensions), name
        assert alarm["Threshold"] == {"Ref": parameter} and parameter in MONITORING["Parameters"], name
    assert alarms["cruddur-${Environment}-db-free-storage"]["ComparisonOperator"] == "LessThanThreshold"
    assert set(alarms) - set(EXPECTED) == {"cruddur-${Environment}-messages-throttles",
                                           "cruddur-${Environment}-messages-system-errors"}


def test_the_table_alarms_add_up_throttles_and_every_operation_the_api_calls():
    alarms = monitoring_alarms()
    for name, metric, operations in (("messages-throttles", {"ReadThrottleEvents", "WriteThrottleEvents"}, None),
                                     ("messages-system-errors", {"SystemErrors"},
                                      {"GetItem", "PutItem", "Query", "UpdateItem", "TransactWriteItems"})):
        alarm = alarms[f"cruddur-${{Environment}}-{name}"]
        assert alarm["Threshold"] == {"Ref": "TableErrors"}
        [expression] = [m for m in alarm["Metrics"] if m.get("ReturnData")]
        stats = [m for m in alarm["Metrics"] if "MetricStat" in m]
        assert all(m["Id"] in expression["Expression"] for m in stats)
        assert {m["MetricStat"]["Metric"]["MetricName"] for m in stats} == metric
        for m in stats:
            dimensions = m["MetricStat"]["Metric"]["Dimensions"]
            assert m["MetricStat"]["Metric"]["Namespace"] == "AWS/DynamoDB" and dimensions[0] == OWN["table"][0]
        if operations:
            assert {m["MetricStat"]["Metric"]["Dimensions"][1]["Value"] for m in stats} == operations


def _dashboard(env: str = "staging") -> dict:
    """The dashboard body as CloudFormation would hand it to CloudWatch for `env`, with sample ids."""
    body, variables = MONITORING["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    values = {"Environment": env, "AWS::Partition": "aws", "AWS::Region": "us-east-1",
              "AWS::AccountId": "123456789012", "LoadBalancer": "app/cruddur-alb/1",
              "BackendTargetGroup": "targetgroup/backend/2", "FrontendTargetGroup": "targetgroup/frontend/3",
              **{logical: r["Properties"]["AlarmName"]["Fn::Sub"].replace("${Environment}", env)
                 for logical, r in MONITORING["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}}
    assert set(variables) <= set(values)
    return json.loads(re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], body))


def test_the_dashboard_shows_every_alarm_of_the_environment():
    [widget] = [w for w in _dashboard("prod")["widgets"] if w["type"] == "alarm"]
    shown = {arn.rsplit(":alarm:", 1)[1] for arn in widget["properties"]["alarms"]}
    defined = {r["Properties"]["AlarmName"]["Fn::Sub"].replace("${Environment}", "prod")
               for template in (CLUSTER, MONITORING) for r in template["Resources"].values()
               if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert shown == defined and len(shown) == 15


def test_the_dashboards_api_widgets_read_the_apis_own_metrics_of_this_environment():
    searches = [m[0]["expression"] for w in _dashboard("prod")["widgets"] if w["type"] == "metric"
                for m in w["properties"]["metrics"] if isinstance(m[0], dict) and "Cruddur/Api" in m[0]["expression"]]
    assert searches == [
        """SEARCH('{Cruddur/Api,Environment,Method,Route} MetricName="Requests" Environment="prod"', 'Sum', 60)""",
        """SEARCH('{Cruddur/Api,Environment,Method,Route} MetricName="Latency" Environment="prod"', 'p99', 60)"""]


def test_the_dashboards_other_widgets_name_this_environments_resources():
    metrics = [m for w in _dashboard("prod")["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]
               if isinstance(m[0], str)]
    by_namespace = {}
    for m in metrics:
        by_namespace.setdefault(m[0], set()).add(tuple(x for x in m[2:] if isinstance(x, str)))
    assert by_namespace == {
        "AWS/ApplicationELB": {("TargetGroup", "targetgroup/backend/2", "LoadBalancer", "app/cruddur-alb/1"),
                               ("TargetGroup", "targetgroup/frontend/3", "LoadBalancer", "app/cruddur-alb/1")},
        "AWS/ECS": {("ClusterName", "cruddur-prod", "ServiceName", "backend-flask"),
                    ("ClusterName", "cruddur-prod", "ServiceName", "frontend-react-js")},
        "AWS/RDS": {("DBInstanceIdentifier", "cruddur-prod-db")},
        "AWS/DynamoDB": {("TableName", "cruddur-prod-messages")},
    }
    assert "staging" not in json.dumps(_dashboard("prod"))
