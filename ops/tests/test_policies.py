"""IAM: the roles' policies as the templates write them, plus parliament over every policy and SCP."""
from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from cruddur_ops import cfn_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "aws/cfn").glob("*/template.yaml"))
POLICY_FILES = sorted((ROOT / "aws/policies").glob("*.json"))
LINT_BIN = Path(os.environ.get("CRUDDUR_LINT_BIN", ROOT / ".venv-lint/bin"))


def _all_identity_policies() -> dict[str, dict]:
    found = {}
    for path in TEMPLATES:
        for name, document in cfn_template.identity_policies(cfn_template.load(path)).items():
            found[f"{path.parent.name}/{name}"] = document
    return found


def _statements(document):
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _allowed(document, action: str, resource: str) -> bool:
    """IAM evaluation for one request, enough for our documents: an Allow matches, no Deny matches."""
    def matches(statement):
        return (any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement["Action"]))
                and any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement["Resource"])))
    effects = {s["Effect"] for s in _statements(document) if matches(s)}
    return "Allow" in effects and "Deny" not in effects


EXECUTION = "iam/ExecutionRole/cruddur-execution"
PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter"


@pytest.mark.parametrize("name, allowed", [
    ("/cruddur/staging/backend-flask/CONNECTION_URL", True),
    ("/cruddur/staging/frontend-react-js/ANYTHING", True),
    ("/cruddur/prod/backend-flask/CONNECTION_URL", False),  # another environment's
    ("/cruddur/backend-flask/CONNECTION_URL", False),
    ("/other-app/DATABASE_PASSWORD", False),
    ("/cruddurx/SECRET", False),
    ("/CONNECTION_URL", False),
])
def test_execution_role_reads_only_cruddur_parameters(name, allowed):
    document = _all_identity_policies()[EXECUTION]
    for action in ("ssm:GetParameters", "ssm:GetParameter"):
        assert _allowed(document, action, PARAM + name) is allowed, (action, name)


def test_execution_role_cannot_list_or_write_parameters():
    document = _all_identity_policies()[EXECUTION]
    for action in ("ssm:GetParametersByPath", "ssm:PutParameter", "ssm:DeleteParameter"):
        assert not _allowed(document, action, PARAM + "/cruddur/staging/backend-flask/CONNECTION_URL"), action


def test_execution_role_decrypts_only_through_ssm_for_cruddur_parameters():
    [statement] = [s for s in _statements(_all_identity_policies()[EXECUTION]) if s["Action"] == "kms:Decrypt"]
    assert statement["Condition"]["StringEquals"] == {"kms:ViaService": "ssm.us-east-1.amazonaws.com"}
    assert statement["Condition"]["StringLike"] == {"kms:EncryptionContext:PARAMETER_ARN": PARAM + "/cruddur/staging/*"}


def test_no_policy_allows_every_action_on_every_resource():
    documents = {**_all_identity_policies(), **{p.name: json.loads(p.read_text()) for p in POLICY_FILES}}
    offenders = [name for name, document in documents.items() for s in _statements(document)
                 if s["Effect"] == "Allow" and "*" in _as_list(s.get("Action", [])) and "*" in _as_list(s["Resource"])]
    assert offenders == []


def test_star_resources_are_only_for_actions_without_resource_level_permissions():
    allowed_on_star = {"ecr:GetAuthorizationToken", "ssmmessages:CreateControlChannel",
                       "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                       "ssmmessages:OpenDataChannel", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition",
                       "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTargetGroups",
                       "application-autoscaling:DescribeScalableTargets"}
    star = {a for d in _all_identity_policies().values() for s in _statements(d)
            if s["Effect"] == "Allow" and "*" in _as_list(s["Resource"]) for a in _as_list(s["Action"])}
    assert star <= allowed_on_star, sorted(star - allowed_on_star)


RELEASE = "registry/ReleaseRole/cruddur-release"
DEPLOY = "iam/DeployRole/cruddur-deploy"
REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/"
PUSH = ("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage")
GATE_READS = ("ecr:DescribeImages", "ecr:BatchGetImage", "ecr:DescribeImageScanFindings")
ROLLOUT = [("ecs:RegisterTaskDefinition",
            "arn:aws:ecs:us-east-1:123456789012:task-definition/cruddur-staging-backend-flask:7"),
           ("ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/cruddur-staging/backend-flask"),
           ("ecs:CreateService", "arn:aws:ecs:us-east-1:123456789012:service/cruddur-staging/backend-flask"),
           ("iam:PassRole", "arn:aws:iam::123456789012:role/cruddur-staging-task-execution")]


@pytest.mark.parametrize("repository", ["backend-flask", "frontend-react-js"])
def test_release_role_pushes_images_and_their_artifacts_to_cruddur_repositories_only(repository):
    document = _all_identity_policies()[RELEASE]
    for action in (*PUSH, "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"):
        assert _allowed(document, action, REPOSITORY + repository), action
        assert not _allowed(document, action, REPOSITORY + "someone-else"), action


def test_release_role_cannot_deploy_or_pass_roles():
    document = _all_identity_policies()[RELEASE]
    assert [(a, r) for a, r in ROLLOUT if _allowed(document, a, r)] == []


@pytest.mark.parametrize("repository", ["backend-flask", "frontend-react-js"])
def test_deploy_role_reads_what_the_release_gate_checks_and_never_pushes(repository):
    document = _all_identity_policies()[DEPLOY]
    for action in GATE_READS:
        assert _allowed(document, action, REPOSITORY + repository), action
    assert [a for a in PUSH if _allowed(document, a, REPOSITORY + repository)] == []


def test_deploy_role_rolls_out():
    document = _all_identity_policies()[DEPLOY]
    assert [(a, r) for a, r in ROLLOUT if not _allowed(document, a, r)] == []


WATCH = [("ecs:RunTask", "arn:aws:ecs:us-east-1:123456789012:task-definition/cruddur-staging-backend-flask:8"),
         ("ecs:DescribeTasks", "arn:aws:ecs:us-east-1:123456789012:task/cruddur-staging/0123abcd"),
         ("ecs:ListTasks", "arn:aws:ecs:us-east-1:123456789012:container-instance/cruddur-staging/0123abcd"),
         ("ecs:ListServiceDeployments", "arn:aws:ecs:us-east-1:123456789012:service/cruddur-staging/backend-flask"),
         ("ecs:DescribeServiceDeployments",
          "arn:aws:ecs:us-east-1:123456789012:service-deployment/cruddur-staging/backend-flask/abc"),
         ("logs:GetLogEvents",
          "arn:aws:logs:us-east-1:123456789012:log-group:/cruddur/staging/backend-flask:log-stream:x"),
         ("cloudwatch:DescribeAlarms",
          "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cruddur-staging-backend-flask-5xx-rate"),
         ("elasticloadbalancing:DescribeTargetHealth", "*"),
         ("application-autoscaling:RegisterScalableTarget",
          "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec9aaa"),
         ("application-autoscaling:PutScalingPolicy",
          "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec9aaa"),
         ("rds:DescribeDBInstances", "arn:aws:rds:us-east-1:123456789012:db:cruddur-staging-db"),
         ("rds:DescribeDBParameters", "arn:aws:rds:us-east-1:123456789012:pg:cruddur-staging-postgres18")]


def _in_prod(arn: str) -> str:
    return re.sub(r"cruddur-staging|/cruddur/staging/", lambda m: m.group(0).replace("staging", "prod"), arn)


def test_the_staging_deploy_role_reaches_nothing_of_prod():
    """Each environment's deploy role is its own: the same calls on prod's names are refused (the
    resource-less reads, target health and scalable targets, are the only ones left)."""
    document = _all_identity_policies()[DEPLOY]
    prod = [(a, _in_prod(r)) for a, r in ROLLOUT + WATCH if "staging" in r]
    assert len(prod) == len(ROLLOUT) + len(WATCH) - 3
    assert [(a, r) for a, r in prod if _allowed(document, a, r)] == []


def test_deploy_role_runs_the_migrations_and_reads_what_the_watch_explains():
    document = _all_identity_policies()[DEPLOY]
    assert [(a, r) for a, r in WATCH if not _allowed(document, a, r)] == []
    assert not _allowed(document, "ecs:RunTask", "arn:aws:ecs:us-east-1:123456789012:task-definition/other:1")


def test_no_role_policy_grants_kms_use_the_release_key_policy_keeps_that():
    """kms:Sign and kms:Verify on the release key come from its key policy only (see the key policy tests)."""
    granted = {name: a for name, d in _all_identity_policies().items() for s in _statements(d)
               if s["Effect"] == "Allow" for a in _as_list(s["Action"])
               if any(fnmatch.fnmatchcase(op, a.lower()) for op in ("kms:sign", "kms:verify", "kms:getpublickey"))}
    assert granted == {}


def test_parliament_finds_nothing_in_any_policy(tmp_path):
    parliament = LINT_BIN / "parliament"
    assert parliament.exists(), f"{parliament} missing: run `make lint-setup`"
    for name, document in _all_identity_policies().items():
        (tmp_path / (name.replace("/", "-") + ".json")).write_text(json.dumps(document))
    for path in POLICY_FILES:
        (tmp_path / path.name).write_text(path.read_text())
    result = subprocess.run([str(parliament), "--directory", str(tmp_path), "--include_policy_extension", ".json"],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    assert len(list(tmp_path.glob("*.json"))) == len(_all_identity_policies()) + len(POLICY_FILES)


SAMPLE = {"CRUDDUR_ENVIRONMENT": "staging", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID": "123456789012",
          "IMAGE_TAG": "0123456789ab",
          "ECR_REGISTRY": "123456789012.dkr.ecr.us-east-1.amazonaws.com"}
TASK_DEFINITIONS = sorted((ROOT / "aws/task-definitions").glob("*.json"))


def _task_definition(path: Path) -> dict:
    text = re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: SAMPLE.get(m.group(1), m.group(0)), path.read_text())
    return json.loads(text)


@pytest.mark.parametrize("path", TASK_DEFINITIONS, ids=lambda p: p.stem)
def test_execution_role_allows_exactly_what_each_task_definition_needs_to_start(path):
    document = _all_identity_policies()[EXECUTION]
    for container in _task_definition(path)["containerDefinitions"]:
        repository = container["image"].split("/", 1)[1].split(":")[0]
        assert _allowed(document, "ecr:BatchGetImage",
                        f"arn:aws:ecr:us-east-1:123456789012:repository/{repository}"), repository
        options = container["logConfiguration"]["options"]
        stream = (f"arn:aws:logs:us-east-1:123456789012:log-group:{options['awslogs-group']}:log-stream:"
                  f"{options['awslogs-stream-prefix']}/{container['name']}/0f1e")
        assert options.get("awslogs-create-group") != "true", "the execution role may not create log groups"
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            assert _allowed(document, action, stream), (action, stream)
        for secret in container.get("secrets", []):
            assert _allowed(document, "ssm:GetParameters", secret["valueFrom"]), secret["name"]


def test_every_service_trust_policy_guards_against_confused_deputies():
    """Parliament reads identity policies only; trust policies are checked here: a service may assume a
    Cruddur role only on behalf of this account."""
    unguarded = []
    for path in TEMPLATES:
        for logical_id, resource in cfn_template.load(path)["Resources"].items():
            if resource["Type"] != "AWS::IAM::Role":
                continue
            for statement in resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                if "Service" in statement["Principal"] and \
                        "aws:SourceAccount" not in statement.get("Condition", {}).get("StringEquals", {}):
                    unguarded.append(f"{path.parent.name}/{logical_id}")
    assert unguarded == []
