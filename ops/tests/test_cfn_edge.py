"""The edge in front of the load balancer: WAF (managed rules, a rate limit per client IP, blocked requests
logged without credentials) and HSTS on every HTTPS answer, while plain HTTP only redirects.

Read from the templates: the dns stack, which holds the edge, cannot be created in the emulator (ACM, and
moto's CloudFormation fails outright on WAFv2 resources); cfn-lint and checkov check the shapes.
"""
from pathlib import Path

import pytest

from cruddur_ops import cfn_template, config

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def dns(repo_root):
    return cfn_template.load(repo_root / "aws/cfn/dns/template.yaml")


@pytest.fixture
def cluster(repo_root):
    return cfn_template.load(repo_root / "aws/cfn/cluster/template.yaml")


def test_the_web_acl_guards_the_load_balancer_with_managed_rules_and_a_rate_limit(dns):
    resources = dns["Resources"]
    association = resources["WebAclAssociation"]["Properties"]
    load_balancer = {"Fn::ImportValue": {"Fn::Sub": "cruddur-${Environment}-cluster-LoadBalancerArn"}}
    assert association == {"ResourceArn": load_balancer,
                           "WebACLArn": {"Fn::GetAtt": ["WebAcl", "Arn"]}}
    acl = resources["WebAcl"]["Properties"]
    assert (acl["Scope"], acl["DefaultAction"]) == ("REGIONAL", {"Allow": {}})
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    assert rules["rate-per-ip"]["Statement"]["RateBasedStatement"] == {
        "Limit": {"Ref": "RequestsPerIpPer5Minutes"}, "AggregateKeyType": "IP"}
    assert rules["rate-per-ip"]["Action"] == {"Block": {}}
    managed = {rule["Statement"]["ManagedRuleGroupStatement"]["Name"] for rule in acl["Rules"]
               if "ManagedRuleGroupStatement" in rule["Statement"]}
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"])
    assert dns["Parameters"]["RequestsPerIpPer5Minutes"]["Default"] == 2000
    limits = {name: config.load_environment(REPO, name).parameters["dns"]["RequestsPerIpPer5Minutes"]
              for name in config.known_environments(REPO)}
    assert limits == {"prod": "2000", "staging": "1000"}  # each environment's own, from its file


def test_blocked_requests_are_logged_without_credentials(dns):
    logging = dns["Resources"]["WebAclLogging"]["Properties"]
    assert {field["SingleHeader"]["Name"] for field in logging["RedactedFields"]} == {"authorization", "cookie"}
    assert logging["LoggingFilter"]["DefaultBehavior"] == "DROP"
    assert logging["LoggingFilter"]["Filters"][0]["Conditions"] == [{"ActionCondition": {"Action": "BLOCK"}}]
    group = dns["Resources"]["WebAclLogGroup"]["Properties"]["LogGroupName"]
    assert group == {"Fn::Sub": "aws-waf-logs-cruddur-${Environment}"}  # WAF writes only to aws-waf-logs-*


def test_https_answers_carry_hsts_and_http_only_redirects(dns, cluster):
    attributes = {a["Key"]: a["Value"] for a in dns["Resources"]["HttpsListener"]["Properties"]["ListenerAttributes"]}
    assert attributes["routing.http.response.strict_transport_security.header_value"] == \
        "max-age=31536000; includeSubDomains"
    [redirect] = cluster["Resources"]["HttpListener"]["Properties"]["DefaultActions"]
    assert (redirect["Type"], redirect["RedirectConfig"]["Protocol"]) == ("redirect", "HTTPS")
