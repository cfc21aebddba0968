"""cfn-outputs: a deployed stack's outputs (what task definitions are rendered from).

Output keys are CamelCase (CloudFormation allows nothing else); the ${PLACEHOLDER}s of aws/task-definitions
and aws/json are the same names in UPPER_SNAKE_CASE: ExecutionRoleArn fills ${EXECUTION_ROLE_ARN}.
`--shell` prints them in that form, ready for `export`.
"""
from __future__ import annotations

import shlex

from cruddur_ops import cfn_stacks
from cruddur_ops.errors import OK, OpsError
from cruddur_ops.output import table
from cruddur_ops.rendering import placeholder_name

HELP = "print a deployed aws/cfn stack's outputs"


def configure(parser) -> None:
    parser.add_argument("stack", help="a folder of aws/cfn (the environment's stack, or the account's), or the "
                                      "full stack name")
    parser.add_argument("--shell", action="store_true", help="print NAME=value lines with placeholder names")


def run(args, ctx) -> int:
    name = cfn_stacks.stack_name(ctx.root, args.stack, ctx.config.environment)
    values = outputs(ctx.aws.cloudformation, name)
    if ctx.out.is_json:
        return ctx.out.json(values)
    if args.shell:
        for key, value in sorted(values.items()):
            ctx.out.line(f"{placeholder_name(key)}={shlex.quote(value)}")
        return OK
    for line in table([[key, value] for key, value in sorted(values.items())], header=["OUTPUT", "VALUE"]):
        ctx.out.line(line)
    return OK


def outputs(cfn, name: str) -> dict[str, str]:
    stack = cfn_stacks.describe(cfn, name)
    if stack is None:
        raise OpsError(f"stack {name} does not exist")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

