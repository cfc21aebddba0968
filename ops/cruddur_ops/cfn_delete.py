"""cfn-delete: delete a stack after asking, following its events until it is gone."""
from __future__ import annotations

from collections.abc import Callable

from cruddur_ops import cfn_stacks
from cruddur_ops.errors import FAILED, OK
from cruddur_ops.output import Output

HELP = "delete an aws/cfn stack (asks first)"


def configure(parser) -> None:
    parser.add_argument("stack", help="a folder of aws/cfn (the environment's stack, or the account's), or the "
                                      "full stack name")
    parser.add_argument("--yes", action="store_true", help="delete without asking")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to follow the stack (default 3600)")


def run(args, ctx) -> int:
    confirm = (lambda _prompt: True) if args.yes else cfn_stacks.confirm_on_terminal
    name = cfn_stacks.stack_name(ctx.root, args.stack, ctx.config.environment)
    return delete(ctx.aws.cloudformation, name, out=ctx.out, confirm=confirm, clock=ctx.clock, sleep=ctx.sleep,
                  timeout=args.timeout)


def delete(cfn, name: str, *, out: Output, confirm: Callable[[str], bool], clock, sleep,
           timeout: float = 3600, poll_seconds: float = 5.0) -> int:
    stack = cfn_stacks.describe(cfn, name)
    if stack is None:
        out.line(f"{name}: does not exist; nothing to delete")
        return OK
    if not confirm(f"Delete {name} and every resource it owns? [y/N] "):
        out.line(f"{name}: kept")
        return FAILED
    follower = cfn_stacks.EventFollower(cfn, stack["StackId"], out)
    follower.skip_existing()
    cfn.delete_stack(StackName=stack["StackId"])
    cfn_stacks.wait_for_stack(cfn, stack["StackId"], follower, success=cfn_stacks.DELETED, clock=clock,
                              sleep=sleep, timeout=timeout, poll_seconds=poll_seconds)
    out.line(f"{name}: deleted")
    return OK
