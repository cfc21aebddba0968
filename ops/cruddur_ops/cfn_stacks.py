"""The CloudFormation stacks under aws/cfn/, and how the cfn commands follow one while it changes.

A stack's template is aws/cfn/<stack>/template.yaml. A template with an `Environment` parameter makes one
stack per environment, deployed as `cruddur-<env>-<stack>` (network, iam, data, cluster, dns, monitoring),
and imports from its own environment's stacks by that name; the others make one stack per account and region,
`cruddur-<stack>` (registry, signing, guardrails), which every environment shares.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import ClientError

from cruddur_ops import cfn_template
from cruddur_ops.errors import FAILED, TIMED_OUT, OpsError
from cruddur_ops.output import Output, table

TEMPLATES = "aws/cfn"
STACK_PREFIX = "cruddur-"

DEPLOYED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
DELETED = {"DELETE_COMPLETE"}


def known_stacks(root: Path) -> list[str]:
    return sorted(p.parent.name for p in (root / TEMPLATES).glob("*/template.yaml"))


def template_path(root: Path, stack: str) -> Path:
    path = root / TEMPLATES / stack / "template.yaml"
    if not path.is_file():
        raise OpsError(f"unknown stack {stack!r} (known: {', '.join(known_stacks(root)) or 'none'})")
    return path


def per_environment(template: dict) -> bool:
    return "Environment" in template.get("Parameters", {})


def deployed_name(stack: str, template: dict, environment) -> str:
    return f"{environment.prefix}-{stack}" if per_environment(template) else STACK_PREFIX + stack


def stack_name(root: Path, stack: str, environment) -> str:
    """The deployed name of a folder of aws/cfn in `environment`; anything else is taken as a full stack name."""
    path = root / TEMPLATES / stack / "template.yaml"
    return deployed_name(stack, cfn_template.load(path), environment) if path.is_file() else stack


def describe(cfn, name: str) -> dict | None:
    """The stack, or None when CloudFormation has never heard of it (or it is deleted)."""
    try:
        return cfn.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as e:
        if e.response["Error"]["Code"] == "ValidationError" and "does not exist" in e.response["Error"]["Message"]:
            return None
        raise


def confirm_on_terminal(prompt: str) -> bool:
    try:
        return input(prompt).strip().lower() in ("y", "yes")
    except EOFError:  # no terminal (CI without --yes): never assume consent
        return False


@dataclass
class EventFollower:
    """Prints a stack's events once each, oldest first, as they appear."""

    cfn: object
    stack_id: str
    out: Output
    seen: set[str] = field(default_factory=set)
    failures: list[dict] = field(default_factory=list)

    def skip_existing(self) -> None:
        for event in self._newest_first():
            self.seen.add(event["EventId"])

    def poll(self) -> None:
        fresh = []
        for event in self._newest_first():
            if event["EventId"] in self.seen:
                break
            fresh.append(event)
        for event in reversed(fresh):
            self.seen.add(event["EventId"])
            if event["ResourceStatus"].endswith("_FAILED"):
                self.failures.append(event)
            self.out.line(format_event(event))

    def _newest_first(self):
        for page in self.cfn.get_paginator("describe_stack_events").paginate(StackName=self.stack_id):
            yield from page["StackEvents"]


def format_event(event: dict) -> str:
    reason = event.get("ResourceStatusReason")
    text = (f"{event['Timestamp']:%H:%M:%S}  {event['ResourceStatus']:<28} {event['ResourceType']:<42} "
            f"{event['LogicalResourceId']}")
    return f"{text}  {reason}" if reason else text


def wait_for_stack(cfn, stack_id: str, follower: EventFollower, *, success: set[str],
                   clock: Callable[[], float], sleep: Callable[[float], None], timeout: float,
                   poll_seconds: float) -> dict:
    """Follow the stack until it settles; raise OpsError (with each failed resource's reason) unless it
    settled in one of the `success` states. Any other settled state (a rollback, a failed delete) is a failure."""
    deadline = clock() + timeout
    while True:
        follower.poll()
        stack = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
        status = stack["StackStatus"]
        if status in success:
            return stack
        if not status.endswith("_IN_PROGRESS"):
            raise OpsError(failure_report(stack, follower.failures), FAILED)
        if clock() >= deadline:
            raise OpsError(f"{stack['StackName']} still {status} after {timeout:.0f}s; "
                           "CloudFormation carries on without us", TIMED_OUT)
        sleep(poll_seconds)


def failure_report(stack: dict, failures: list[dict]) -> str:
    lines = [f"{stack['StackName']} ended {stack['StackStatus']}"
             + (f": {stack['StackStatusReason']}" if stack.get("StackStatusReason") else "")]
    causes = [e for e in failures if e["LogicalResourceId"] != stack["StackName"]] or failures
    if causes:
        lines.append("failed resources:")
        lines.extend(table([[e["LogicalResourceId"], e["ResourceType"], e.get("ResourceStatusReason", "")]
                            for e in causes]))
    return "\n".join(lines)
