"""bin/cfn/outputs and bin/cfn/delete against the emulator.

moto gives outputs only to stacks made with CreateStack (not through change sets), so the outputs test
creates its stack that way; the command under test only reads DescribeStacks.
"""
from __future__ import annotations

import io
import json

from cruddur_ops import cfn_delete
from cruddur_ops.errors import FAILED
from cruddur_ops.output import Output


def test_outputs_prints_the_stack_outputs(cli, aws, repo_root):
    aws.cloudformation.create_stack(StackName="cruddur-registry",
                                    TemplateBody=(repo_root / "aws/cfn/registry/template.yaml").read_text())
    result = cli(["cfn-outputs", "registry"], aws=aws)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["OUTPUT", "VALUE"]
    assert lines[1].split() == ["BackendRepositoryArn", "arn:aws:ecr:us-east-1:123456789012:repository/backend-flask"]
    as_json = json.loads(cli(["cfn-outputs", "registry", "--output", "json"], aws=aws).stdout)
    assert as_json["FrontendRepositoryUri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/frontend-react-js"


def test_outputs_of_a_missing_stack_is_an_error(cli, aws):
    result = cli(["cfn-outputs", "dns"], aws=aws)
    assert (result.code, result.stderr.strip()) == (1, "error: stack cruddur-staging-dns does not exist")


def test_delete_removes_the_stack_after_yes(cli, aws):
    assert cli(["cfn-deploy", "registry", "--yes"], aws=aws).code == 0
    result = cli(["cfn-delete", "registry", "--yes"], aws=aws)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "cruddur-registry: deleted"
    assert [s["StackName"] for s in aws.cloudformation.list_stacks(StackStatusFilter=["CREATE_COMPLETE"])
            ["StackSummaries"]] == []


def test_delete_asks_first_and_keeps_the_stack_when_declined(cli, aws, clock):
    assert cli(["cfn-deploy", "registry", "--yes"], aws=aws).code == 0
    out = io.StringIO()
    code = cfn_delete.delete(aws.cloudformation, "cruddur-registry", out=Output(out, out, tty=False),
                             confirm=lambda prompt: prompt.startswith("Delete cruddur-registry") and False,
                             clock=clock, sleep=clock.sleep)
    assert (code, out.getvalue().strip()) == (FAILED, "cruddur-registry: kept")
    assert aws.cloudformation.describe_stacks(StackName="cruddur-registry")["Stacks"][0]["StackStatus"] == \
        "CREATE_COMPLETE"


def test_deleting_a_missing_stack_is_a_no_op(cli, aws):
    result = cli(["cfn-delete", "network", "--yes"], aws=aws)
    assert (result.code, result.stdout.strip()) == (0, "cruddur-staging-network: does not exist; nothing to delete")
