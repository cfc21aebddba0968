"""The command line: one registry of commands, one set of common flags, one error policy.

Adding a command: write `cruddur_ops/<name>.py` with `HELP`, `configure(parser)` and
`run(args, ctx) -> int`, then add one line to COMMANDS. Nothing else lists commands.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import sys
import traceback

from botocore.exceptions import BotoCoreError, ClientError

from cruddur_ops import config as ops_config
from cruddur_ops.aws import Aws
from cruddur_ops.context import Context, Runtime
from cruddur_ops.errors import BUG, FAILED, USAGE, OpsError
from cruddur_ops.output import Output

# command name -> module. One line per command.
COMMANDS = {
    "render": "cruddur_ops.render",
    "register": "cruddur_ops.register",
    "diff": "cruddur_ops.diff",
    "verify": "cruddur_ops.verify",
    "trust": "cruddur_ops.trust",
    "deploy": "cruddur_ops.deploy",
    "rollback": "cruddur_ops.rollback",
    "status": "cruddur_ops.status",
    "logs": "cruddur_ops.logs",
    "connect": "cruddur_ops.connect",
    "run": "cruddur_ops.run_task",
    "audit": "cruddur_ops.audit",
    "audit-deps": "cruddur_ops.audit_deps",
    "ecr-login": "cruddur_ops.ecr_login",
    "build": "cruddur_ops.build",
    "push": "cruddur_ops.push",
    "sbom": "cruddur_ops.sbom_command",
    "cfn-deploy": "cruddur_ops.cfn_deploy",
    "cfn-outputs": "cruddur_ops.cfn_outputs",
    "cfn-delete": "cruddur_ops.cfn_delete",
    "parameters-put": "cruddur_ops.parameters_put",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        raise OpsError(f"{self.prog}: {message}", USAGE)


def _common_flags() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--env", help=f"environment, one of aws/environments/*.toml (default: "
                                      f"{ops_config.ENVIRONMENT_VARIABLE}, then aws/ops.toml)")
    common.add_argument("--region", help="AWS region (default: the environment file's, then AWS_DEFAULT_REGION, "
                                         "then aws/ops.toml)")
    common.add_argument("--cluster", help="ECS cluster (default: the environment's, cruddur-<env>)")
    common.add_argument("--output", choices=("text", "json"), default="text", help="output format")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cruddur_ops", description="Cruddur operations: images, ECS, deploys, audit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command",
                                     parser_class=_Parser)
    common = _common_flags()
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP, parents=[common])
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def _client_error_line(error: ClientError) -> str:
    info = error.response.get("Error", {})
    return f"{error.operation_name}: {info.get('Code', 'Error')}: {info.get('Message', '')}".rstrip(": ")


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    stderr = runtime.stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        cfg = ops_config.load(runtime.root, runtime.environ, args.env)
        if args.region:
            cfg = dataclasses.replace(cfg, region=args.region)
        out = Output(runtime.stdout, stderr, fmt=args.output, tty=runtime.tty)
        aws = runtime.aws or Aws.from_env(cfg.region, runtime.environ)
        ctx = Context.of(runtime, cfg, out, aws)
        return args.handler(args, ctx)
    except OpsError as e:
        print(f"error: {e}", file=stderr, flush=True)
        return e.exit_code
    except ClientError as e:
        print(f"error: {_client_error_line(e)}", file=stderr, flush=True)
        return FAILED
    except BotoCoreError as e:
        print(f"error: {e}", file=stderr, flush=True)
        return FAILED
    except KeyboardInterrupt:
        print("error: interrupted", file=stderr, flush=True)
        return 130
    except Exception:  # a bug: keep every detail for the report
        traceback.print_exc(file=stderr)
        return BUG
