"""The release signing key: its key policy's promises read from the template, and how the deploy tooling
finds the key (aws/ops.toml).

A KMS key policy is the only place access to the key is granted: without a statement for the account's root,
no IAM policy can give any other principal a use of the key. So who may sign is decided here, principal by
principal. Parliament reads identity policies only, and moto does not act out key policies, hence a test
over the document.
"""
from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from cruddur_ops import cfn_stacks, cfn_template, config

ROOT = Path(__file__).resolve().parents[2]
SIGNING = cfn_template.load(ROOT / "aws/cfn/signing/template.yaml")
IAM = cfn_template.load(ROOT / "aws/cfn/iam/template.yaml")
KEY = SIGNING["Resources"]["ReleaseSigningKey"]["Properties"]
STATEMENTS = KEY["KeyPolicy"]["Statement"]

ACCOUNT, RELEASE, DEPLOY, PROD_DEPLOY, SOMEONE_ELSE, ELSEWHERE = (
    "account", "release role", "deploy role", "prod's deploy role", "someone else", "another account's deploy role")
RELEASE_IMPORT = {"Fn::ImportValue": {"Fn::Sub": "${RegistryStack}-ReleaseRoleArn"}}
# Who asks, as the request context KMS evaluates the policy against: (principal ARN, principal's account).
A = cfn_template.SAMPLE_ACCOUNT
PRINCIPALS = {
    ACCOUNT: (f"arn:aws:iam::{A}:root", A),
    RELEASE: (f"arn:aws:iam::{A}:role/CruddurReleaseRole", A),
    DEPLOY: (f"arn:aws:iam::{A}:role/cruddur-staging-deploy", A),
    PROD_DEPLOY: (f"arn:aws:iam::{A}:role/cruddur-prod-deploy", A),
    SOMEONE_ELSE: (f"arn:aws:iam::{A}:role/cruddur-staging-backend-flask-task", A),
    ELSEWHERE: ("arn:aws:iam::999999999999:role/cruddur-staging-deploy", "999999999999"),
}


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _value(value):
    """An intrinsic in a key policy, resolved with the sample account; the release role's import is its ARN."""
    return PRINCIPALS[RELEASE][0] if value == RELEASE_IMPORT else cfn_template.resolve(value, SIGNING)


def _named(statement, who: str) -> bool:
    """Whether a statement's Principal names `who` (the root principal is the account itself, not its roles)."""
    principal = statement["Principal"]["AWS"]
    return principal == "*" or _value(principal) == PRINCIPALS[who][0]


def _conditions_hold(statement, who: str) -> bool:
    arn, account = PRINCIPALS[who]
    context = {"aws:PrincipalArn": arn, "aws:PrincipalAccount": account}
    tests = {"StringEquals": lambda have, want: have == want, "ArnLike": fnmatch.fnmatchcase,
             "ArnNotEquals": lambda have, want: have != want}
    for operator, pairs in statement.get("Condition", {}).items():
        assert operator in tests and set(pairs) <= set(context), "the test reads only the conditions the policy uses"
        if not all(tests[operator](context[key], _value(want)) for key, want in pairs.items()):
            return False
    return True


def _actions_match(statement, action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement["Action"]))


def may(who: str, action: str) -> bool:
    applicable = [s for s in STATEMENTS if _named(s, who) and _actions_match(s, action) and _conditions_hold(s, who)]
    return any(s["Effect"] == "Allow" for s in applicable) and not any(s["Effect"] == "Deny" for s in applicable)


@pytest.mark.parametrize("who, signs", [(RELEASE, True), (DEPLOY, False), (PROD_DEPLOY, False), (ACCOUNT, False),
                                        (SOMEONE_ELSE, False), (ELSEWHERE, False)])
def test_only_the_release_role_may_sign(who, signs):
    assert may(who, "kms:Sign") is signs


@pytest.mark.parametrize("action", ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"])
def test_every_environments_deployers_may_verify_and_read_the_public_key(action):
    assert (may(DEPLOY, action), may(PROD_DEPLOY, action)) == (True, True)


def test_the_release_role_reads_its_public_key_but_verifies_nothing_through_kms():
    assert (may(RELEASE, "kms:GetPublicKey"), may(RELEASE, "kms:Verify")) == (True, False)


@pytest.mark.parametrize("action", ["kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:CreateGrant",
                                    "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
def test_the_account_administers_without_using_the_key_or_granting_its_use(action):
    [root] = [s for s in STATEMENTS if s["Principal"]["AWS"] != "*" and _named(s, ACCOUNT)]
    assert not _actions_match(root, action), f"the root statement must not allow {action}"
    assert not may(ACCOUNT, action)


@pytest.mark.parametrize("action", ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                                    "kms:DisableKey", "kms:EnableKey", "kms:DescribeKey", "kms:GetKeyPolicy"])
def test_the_account_can_still_administer_the_key(action):
    """PutKeyPolicy for the root keeps KMS's lockout safety check happy and the key manageable."""
    assert may(ACCOUNT, action)


@pytest.mark.parametrize("who", [SOMEONE_ELSE, ELSEWHERE])
def test_nobody_outside_the_policy_uses_the_key(who):
    assert [a for a in ("kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey") if may(who, a)] == []


def test_the_key_is_an_ecdsa_p256_signing_key_kept_when_the_stack_goes():
    assert (KEY["KeySpec"], KEY["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert "EnableKeyRotation" not in KEY  # KMS refuses automatic rotation for asymmetric keys
    resource = SIGNING["Resources"]["ReleaseSigningKey"]
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_the_release_role_is_imported_from_the_registry_stack_and_the_deploy_roles_are_named_by_their_rule():
    registry = cfn_template.load(ROOT / "aws/cfn/registry/template.yaml")
    assert SIGNING["Parameters"]["RegistryStack"]["Default"] == \
        cfn_stacks.stack_name(ROOT, "registry", config.Environment("staging"))
    assert registry["Outputs"]["ReleaseRoleArn"]["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-ReleaseRoleArn"}}
    assert registry["Resources"]["ReleaseRole"]["Properties"]["RoleName"] == "CruddurReleaseRole"
    # The key policy's pattern is the iam stack's role name with the environment left open.
    assert IAM["Resources"]["DeployRole"]["Properties"]["RoleName"] == {"Fn::Sub": "cruddur-${Environment}-deploy"}


def test_the_alias_and_outputs_are_what_the_deploy_tooling_reads():
    alias = SIGNING["Resources"]["ReleaseSigningKeyAlias"]["Properties"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/cruddur-release-signing", {"Ref": "ReleaseSigningKey"})
    outputs = SIGNING["Outputs"]
    assert outputs["ReleaseSigningKeyArn"]["Value"] == {"Fn::GetAtt": ["ReleaseSigningKey", "Arn"]}
    assert outputs["ReleaseSigningKeyAlias"]["Value"] == {"Ref": "ReleaseSigningKeyAlias"}
    for name, output in outputs.items():
        assert output["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-" + name}}


def test_ops_toml_trusts_the_release_key_and_reads_the_signing_stack():
    ops = tomllib.loads((ROOT / "aws/ops.toml").read_text())
    assert ops["signing_keys"] == ["alias/cruddur-release-signing"]
    assert "signing" in ops["stacks"]
