"""cfn-deploy: change set -> table of changes -> confirmation -> execution, following the stack's events.

Exit 0 only when the stack reached CREATE_COMPLETE or UPDATE_COMPLETE (or nothing needed to change);
a rollback prints each failed resource's reason and exits 1; our own timeout exits 4.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from cruddur_ops import cfn_stacks, cfn_template
from cruddur_ops.errors import FAILED, OK, TIMED_OUT, OpsError
from cruddur_ops.output import Output, table

HELP = "deploy an aws/cfn stack through a reviewed change set"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


def configure(parser) -> None:
    parser.add_argument("stack", help="a folder of aws/cfn "
                                      "(network, registry, iam, signing, data, cluster, dns, guardrails)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="template parameter (repeatable), over the environment file's [stacks.<stack>]; "
                             "unnamed ones keep their previous or default value")
    parser.add_argument("--template", type=Path, help="template file (default aws/cfn/<stack>/template.yaml)")
    parser.add_argument("--yes", action="store_true", help="execute without asking (CI)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to follow the stack (default 3600)")


def run(args, ctx) -> int:
    path = args.template or cfn_stacks.template_path(ctx.root, args.stack)
    request = change_request(args.stack, path, ctx.config.environment, parse_parameters(args.parameter))
    confirm = (lambda _prompt: True) if args.yes else cfn_stacks.confirm_on_terminal
    return deploy(ctx.aws.cloudformation, request, out=ctx.out, confirm=confirm, clock=ctx.clock,
                  sleep=ctx.sleep, timeout=args.timeout, change_set_name=f"cruddur-{ctx.now():%Y%m%d%H%M%S}")


@dataclass(frozen=True)
class ChangeRequest:
    stack_name: str
    template_body: str
    parameters: dict[str, str]


def change_request(stack: str, path: Path, environment, given: dict[str, str]) -> ChangeRequest:
    """An environment's stack gets Environment=<name> and the environment file's parameters for it; an
    account's stack only what is given."""
    template = cfn_template.load(path)
    parameters = {"Environment": environment.name, **environment.parameters.get(stack, {})} \
        if cfn_stacks.per_environment(template) else {}
    return ChangeRequest(stack_name=cfn_stacks.deployed_name(stack, template, environment),
                         template_body=path.read_text(), parameters={**parameters, **given})


def parse_parameters(pairs: list[str]) -> dict[str, str]:
    parameters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise OpsError(f"parameter {pair!r} is not KEY=VALUE")
        parameters[key] = value
    return parameters


def deploy(cfn, request: ChangeRequest, *, out: Output, confirm: Callable[[str], bool],
           clock: Callable[[], float], sleep: Callable[[float], None], timeout: float = 3600,
           poll_seconds: float = 5.0, change_set_name: str = "cruddur") -> int:
    existing = cfn_stacks.describe(cfn, request.stack_name)
    change_type = change_set_type(existing)
    out.line(f"{request.stack_name}: creating change set {change_set_name} ({change_type})")
    try:
        created = cfn.create_change_set(
            StackName=request.stack_name, ChangeSetName=change_set_name, ChangeSetType=change_type,
            TemplateBody=request.template_body, Capabilities=CAPABILITIES,
            Parameters=parameter_list(cfn, request, existing),
            Tags=[{"Key": "project", "Value": "cruddur"}],
        )
    except ClientError as e:  # an unchanged update refused outright (UpdateStack's words), not as a FAILED set
        if e.response["Error"]["Code"] == "ValidationError" and \
                any(marker in e.response["Error"]["Message"] for marker in NO_CHANGES):
            out.line(f"{request.stack_name}: no changes")
            return OK
        raise
    change_set_id, stack_id = created["Id"], created["StackId"]
    change_set = wait_for_change_set(cfn, change_set_id, clock=clock, sleep=sleep, timeout=timeout,
                                     poll_seconds=poll_seconds)
    if change_set["Status"] == "FAILED":
        cfn.delete_change_set(ChangeSetName=change_set_id)
        reason = change_set.get("StatusReason", "")
        if any(marker in reason for marker in NO_CHANGES):
            out.line(f"{request.stack_name}: no changes")
            return OK
        raise OpsError(f"change set for {request.stack_name} failed: {reason}")

    for line in change_table(change_set):
        out.line(line)
    if not confirm(f"Execute these changes on {request.stack_name}? [y/N] "):
        cfn.delete_change_set(ChangeSetName=change_set_id)
        out.line(f"{request.stack_name}: not executed; change set deleted")
        return FAILED

    follower = cfn_stacks.EventFollower(cfn, stack_id, out)
    follower.skip_existing()
    cfn.execute_change_set(ChangeSetName=change_set_id)
    stack = cfn_stacks.wait_for_stack(cfn, stack_id, follower, success=cfn_stacks.DEPLOYED, clock=clock,
                                      sleep=sleep, timeout=timeout, poll_seconds=poll_seconds)
    out.line(f"{request.stack_name}: {stack['StackStatus']}")
    return OK


def change_set_type(existing: dict | None) -> str:
    if existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if existing["StackStatus"] == "ROLLBACK_COMPLETE":
        raise OpsError(f"{existing['StackName']} never got created (ROLLBACK_COMPLETE): "
                       f"delete it first with bin/cfn/delete")
    if existing["StackStatus"].endswith("_IN_PROGRESS"):
        raise OpsError(f"{existing['StackName']} is busy ({existing['StackStatus']}); try again when it settles")
    return "UPDATE"


def parameter_list(cfn, request: ChangeRequest, existing: dict | None) -> list[dict]:
    """Named parameters, plus UsePreviousValue for the template's other parameters the stack already has."""
    given = [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(request.parameters.items())]
    if existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS":
        return given
    declared = {p["ParameterKey"] for p in cfn.get_template_summary(TemplateBody=request.template_body)
                .get("Parameters", [])}
    previous = {p["ParameterKey"] for p in existing.get("Parameters", [])}
    kept = sorted((declared & previous) - set(request.parameters))
    return given + [{"ParameterKey": k, "UsePreviousValue": True} for k in kept]


def wait_for_change_set(cfn, change_set_id: str, *, clock, sleep, timeout: float, poll_seconds: float) -> dict:
    deadline = clock() + timeout
    while True:
        change_set = describe_change_set(cfn, change_set_id)
        if change_set["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return change_set
        if clock() >= deadline:
            raise OpsError(f"change set still {change_set['Status']} after {timeout:.0f}s", TIMED_OUT)
        sleep(poll_seconds)


def describe_change_set(cfn, change_set_id: str) -> dict:
    """The change set with every page of its changes."""
    first = cfn.describe_change_set(ChangeSetName=change_set_id)
    changes, token = list(first.get("Changes", [])), first.get("NextToken")
    while token:
        page = cfn.describe_change_set(ChangeSetName=change_set_id, NextToken=token)
        changes.extend(page.get("Changes", []))
        token = page.get("NextToken")
    return {**first, "Changes": changes}


def change_table(change_set: dict) -> list[str]:
    rows = []
    for change in change_set["Changes"]:
        rc = change["ResourceChange"]
        replacement = rc.get("Replacement", "") if rc["Action"] == "Modify" else ""
        rows.append([rc["Action"], rc["LogicalResourceId"], rc["ResourceType"], replacement])
    if not rows:
        return ["(the change set lists no resource changes)"]
    return table(rows, header=["ACTION", "RESOURCE", "TYPE", "REPLACEMENT"])
