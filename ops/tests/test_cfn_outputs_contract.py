"""The stacks' outputs fill every ${PLACEHOLDER} of the files under aws/ that the ops commands cannot
derive themselves or an environment file sets: a renamed output or a new placeholder fails here, not
during a deploy."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cruddur_ops import cfn_template, config
from cruddur_ops.rendering import placeholder_name

ROOT = Path(__file__).resolve().parents[2]
# Filled by the ops commands themselves (account, registry, commit tag), by --region or by --env.
DERIVED = {"AWS_ACCOUNT_ID", "ECR_REGISTRY", "IMAGE_TAG", "AWS_DEFAULT_REGION", "CRUDDUR_ENVIRONMENT"}
ENVIRONMENTS = {name: config.load_environment(ROOT, name) for name in config.known_environments(ROOT)}


def _placeholders() -> set[str]:
    files = [*ROOT.glob("aws/task-definitions/*.json"), *ROOT.glob("aws/json/*.json")]
    return {name for path in files for name in re.findall(r"\$\{([A-Z0-9_]+)\}", path.read_text())}


def _outputs() -> dict[str, str]:
    found = {}
    for path in sorted(ROOT.glob("aws/cfn/*/template.yaml")):
        for key in cfn_template.load(path).get("Outputs", {}):
            found[placeholder_name(key)] = path.parent.name
    return found


@pytest.mark.parametrize("key, name", [
    ("ExecutionRoleArn", "EXECUTION_ROLE_ARN"),
    ("AwsCognitoUserPoolClientId", "AWS_COGNITO_USER_POOL_CLIENT_ID"),
    ("PrivateSubnetIds", "PRIVATE_SUBNET_IDS"),
    ("BackendUrl", "BACKEND_URL"),
])
def test_output_keys_map_to_placeholder_names(key, name):
    assert placeholder_name(key) == name


def test_every_placeholder_is_derived_or_a_stack_output():
    placeholders = _placeholders()
    assert placeholders, "no ${PLACEHOLDER} found under aws/task-definitions or aws/json"
    set_by_environments = {name for env in ENVIRONMENTS.values() for name in env.placeholders}
    assert sorted(placeholders - DERIVED - set(_outputs()) - set_by_environments) == []


def test_every_environment_sets_the_same_placeholders_and_each_is_used():
    assert set(ENVIRONMENTS) >= {"staging", "prod"}
    [names] = {frozenset(env.placeholders) for env in ENVIRONMENTS.values()}
    assert sorted(names - _placeholders()) == []
    assert not names & set(_outputs()), "a value is either the environment file's or a stack's, not both"


def test_no_two_stacks_export_the_same_placeholder():
    seen: dict[str, list[str]] = {}
    for path in sorted(ROOT.glob("aws/cfn/*/template.yaml")):
        for key in cfn_template.load(path).get("Outputs", {}):
            seen.setdefault(placeholder_name(key), []).append(path.parent.name)
    assert {name: stacks for name, stacks in seen.items() if len(stacks) > 1} == {}


def test_env_form_prints_placeholder_names(cli, aws, repo_root):
    aws.cloudformation.create_stack(StackName="cruddur-registry", Capabilities=["CAPABILITY_NAMED_IAM"],
                                    TemplateBody=(repo_root / "aws/cfn/registry/template.yaml").read_text())
    result = cli(["cfn-outputs", "registry", "--shell"], aws=aws)
    assert result.code == 0, result.stderr
    assert "BACKEND_REPOSITORY_URI=123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask" in \
        result.stdout.splitlines()
