"""cfn-outputs: a deployed stack's outputs (what task definitions are rendered from)."""
from __future__ import annotations

from cruddur_ops import cfn_stacks
from cruddur_ops.errors import OK, OpsError
from cruddur_ops.output import table

HELP = "print a deployed aws/cfn stack's outputs"


def configure(parser) -> None:
    parser.add_argument("stack", help="a folder of aws/cfn, or the full stack name")


def run(args, ctx) -> int:
    name = cfn_stacks.stack_name(args.stack)
    values = outputs(ctx.aws.cloudformation, name)
    if ctx.out.is_json:
        return ctx.out.json(values)
    for line in table([[key, value] for key, value in sorted(values.items())], header=["OUTPUT", "VALUE"]):
        ctx.out.line(line)
    return OK


def outputs(cfn, name: str) -> dict[str, str]:
    stack = cfn_stacks.describe(cfn, name)
    if stack is None:
        raise OpsError(f"stack {name} does not exist")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
