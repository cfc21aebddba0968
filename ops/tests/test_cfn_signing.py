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

from cruddur_ops import cfn_stacks, cfn_template

ROOT = Path(__file__).resolve().parents[2]
SIGNING = cfn_template.load(ROOT / "aws/cfn/signing/template.yaml")
IAM = cfn_template.load(ROOT / "aws/cfn/iam/template.yaml")
KEY = SIGNING["Resources"]["ReleaseSigningKey"]["Properties"]
STATEMENTS = KEY["KeyPolicy"]["Statement"]

ACCOUNT = "account"  # the root principal: what the account's IAM policies could hand on
RELEASE, DEPLOY, SOMEONE_ELSE = "release role", "deploy role", "someone else"


def _import(output: str) -> dict:
    return {"Fn::ImportValue": {"Fn::Sub": "${IamStack}-" + output}}


ROLE_EXPORTS = {RELEASE: _import("ReleaseRoleArn"), DEPLOY: _import("DeployRoleArn")}


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _names(statement) -> set[str]:
    """Which of our principals a statement's Principal names."""
    principal = statement["Principal"]["AWS"]
    if principal == "*":
        return {ACCOUNT, RELEASE, DEPLOY, SOMEONE_ELSE}
    if principal == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}:
        return {ACCOUNT}
    return {who for who, export in ROLE_EXPORTS.items() if principal == export}


def _deny_applies(statement, who: str) -> bool:
    condition = statement.get("Condition")
    if condition is None:
        return True
    assert list(condition) == ["ArnNotEquals"] and list(condition["ArnNotEquals"]) == ["aws:PrincipalArn"], \
        "the test reads only the conditions the policy uses"
    return ROLE_EXPORTS.get(who) != condition["ArnNotEquals"]["aws:PrincipalArn"]


def _actions_match(statement, action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement["Action"]))


def may(who: str, action: str) -> bool:
    applicable = [s for s in STATEMENTS if who in _names(s) and _actions_match(s, action)]
    allowed = any(s["Effect"] == "Allow" for s in applicable)
    denied = any(s["Effect"] == "Deny" and _deny_applies(s, who) for s in applicable)
    return allowed and not denied


@pytest.mark.parametrize("who, signs", [(RELEASE, True), (DEPLOY, False), (ACCOUNT, False), (SOMEONE_ELSE, False)])
def test_only_the_release_role_may_sign(who, signs):
    assert may(who, "kms:Sign") is signs


@pytest.mark.parametrize("action", ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"])
def test_deployers_may_verify_and_read_the_public_key(action):
    assert may(DEPLOY, action)


def test_the_release_role_reads_its_public_key_but_verifies_nothing_through_kms():
    assert (may(RELEASE, "kms:GetPublicKey"), may(RELEASE, "kms:Verify")) == (True, False)


@pytest.mark.parametrize("action", ["kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:CreateGrant",
                                    "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
def test_the_account_administers_without_using_the_key_or_granting_its_use(action):
    [root] = [s for s in STATEMENTS if _names(s) == {ACCOUNT}]
    assert not _actions_match(root, action), f"the root statement must not allow {action}"
    assert not may(ACCOUNT, action)


@pytest.mark.parametrize("action", ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                                    "kms:DisableKey", "kms:EnableKey", "kms:DescribeKey", "kms:GetKeyPolicy"])
def test_the_account_can_still_administer_the_key(action):
    """PutKeyPolicy for the root keeps KMS's lockout safety check happy and the key manageable."""
    assert may(ACCOUNT, action)


def test_nobody_outside_the_policy_uses_the_key():
    assert [a for a in ("kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey")
            if may(SOMEONE_ELSE, a)] == []


def test_the_key_is_an_ecdsa_p256_signing_key_kept_when_the_stack_goes():
    assert (KEY["KeySpec"], KEY["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert "EnableKeyRotation" not in KEY  # KMS refuses automatic rotation for asymmetric keys
    resource = SIGNING["Resources"]["ReleaseSigningKey"]
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_the_roles_are_imported_from_the_iam_stack_that_exports_them():
    assert SIGNING["Parameters"]["IamStack"]["Default"] == cfn_stacks.stack_name("iam")
    for output in ("ReleaseRoleArn", "DeployRoleArn"):
        assert IAM["Outputs"][output]["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-" + output}}
    assert IAM["Resources"]["ReleaseRole"]["Properties"]["RoleName"] == "CruddurReleaseRole"


def test_the_alias_and_outputs_are_what_the_deploy_tooling_reads():
    alias = SIGNING["Resources"]["ReleaseSigningKeyAlias"]["Properties"]
    assert (alias["AliasName"], alias["TargetKeyId"]) == ("alias/cruddur-release-signing", {"Ref": "ReleaseSigningKey"})
    outputs = SIGNING["Outputs"]
    assert outputs["ReleaseSigningKeyArn"]["Value"] == {"Fn::GetAtt": ["ReleaseSigningKey", "Arn"]}
    assert outputs["ReleaseSigningKeyAlias"]["Value"] == {"Ref": "ReleaseSigningKeyAlias"}
    for name, output in outputs.items():
        assert output["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-" + name}}


def test_ops_toml_trusts_the_release_key_and_reads_the_signing_stack_after_iam():
    config = tomllib.loads((ROOT / "aws/ops.toml").read_text())
    assert config["signing_keys"] == ["alias/cruddur-release-signing"]
    stacks = config["stacks"]
    assert stacks.index("cruddur-iam") < stacks.index("cruddur-signing")
