"""Rendering a service's two files (task definition, service) into checked API input."""
from __future__ import annotations

import re
from dataclasses import dataclass

from botocore.exceptions import ClientError

from cruddur_ops import cfn_stacks, definitions, images, scaling
from cruddur_ops.errors import OpsError


def add_arguments(parser) -> None:
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="set a ${NAME} placeholder (repeatable; wins over the environment)")
    parser.add_argument("--stack", action="append", default=[], metavar="STACK",
                        help="CloudFormation stack (a folder of aws/cfn or a full name) whose outputs fill "
                             "placeholders (repeatable; default: the stacks in aws/ops.toml that exist)")
    parser.add_argument("--image-tag", help="image tag (default: the current 12-character commit)")


@dataclass
class Rendered:
    task_definition: dict
    service: dict
    # The service's autoscaling file, filled like the other two; None when it runs a fixed count.
    scaling: scaling.Scaling | None = None


def placeholder_name(output_key: str) -> str:
    """Output keys are CamelCase (CloudFormation allows no underscore): ExecutionRoleArn fills
    ${EXECUTION_ROLE_ARN}, AwsCognitoUserPoolId fills ${AWS_COGNITO_USER_POOL_ID}."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", output_key).upper()


def stack_outputs(ctx, stacks: list[str], must_exist: bool) -> dict[str, str]:
    """Outputs of `stacks`, by placeholder name. Stacks named on the command line must exist; the
    default ones may not (yet): whatever they would have filled is then reported as not set."""
    outputs: dict[str, str] = {}
    for stack in (cfn_stacks.stack_name(ctx.root, name, ctx.config.environment) for name in stacks):
        try:
            described = ctx.aws.cloudformation.describe_stacks(StackName=stack)["Stacks"]
        except ClientError as e:
            if must_exist or "does not exist" not in e.response["Error"].get("Message", ""):
                raise OpsError(f"stack {stack}: {e.response['Error'].get('Message')}") from None
            continue
        for output in described[0].get("Outputs", []) if described else []:
            outputs[placeholder_name(output["OutputKey"])] = output["OutputValue"]
    return outputs


def variables(ctx, args) -> definitions.Variables:
    """--var over the environment file's placeholders over the environment's name and region, then the shell's
    environment, stack outputs and derived values (definitions.Variables)."""
    environment = ctx.config.environment
    flags = {"AWS_DEFAULT_REGION": ctx.config.region, "CRUDDUR_ENVIRONMENT": environment.name,
             **environment.placeholders, **definitions.parse_var_flags(args.var)}
    if args.image_tag:
        flags["IMAGE_TAG"] = args.image_tag
    return definitions.Variables(
        flags=flags,
        environ=ctx.environ,
        stack_outputs=lambda: stack_outputs(ctx, args.stack or ctx.config.stacks, must_exist=bool(args.stack)),
        derived={
            "AWS_ACCOUNT_ID": lambda: ctx.aws.account_id,
            "ECR_REGISTRY": lambda: images.registry(ctx),
            "IMAGE_TAG": lambda: images.commit_tag(ctx),
        },
    )


def overlay(base: dict, over: dict) -> dict:
    """`over` laid on `base`: objects merge key by key, anything else (lists too) is replaced."""
    merged = dict(base)
    for key, value in over.items():
        merged[key] = overlay(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) \
            else value
    return merged


def _label(ctx, path) -> str:
    return str(path.relative_to(ctx.root)) if path.is_relative_to(ctx.root) else str(path)


def render(ctx, args, service) -> Rendered:
    """The files of `service` filled, checked against the API model, secrets checked."""
    values = variables(ctx, args)
    files = {}
    for path, api in ((service.task_definition, definitions.TASK_DEFINITION),
                      (service.service_definition, definitions.SERVICE)):
        label = _label(ctx, path)
        template = definitions.load_template(path)
        if api == definitions.SERVICE and service.blue_green:
            template = overlay(template, definitions.load_template(service.blue_green))
            label += f" + {service.blue_green.relative_to(ctx.root)}"
        filled = definitions.fill(template, values, label)
        files[api] = definitions.check_shape(filled, api, label, ctx.out.warn)
    task_definition, service_definition = files[definitions.TASK_DEFINITION], files[definitions.SERVICE]
    definitions.check_secrets(task_definition, str(service.task_definition.relative_to(ctx.root)))
    if service_definition.get("serviceName") != service.name:
        raise OpsError(f"{service.service_definition.relative_to(ctx.root)}: serviceName is "
                       f"{service_definition.get('serviceName')!r}, expected {service.name!r}")
    scaled = None
    if service.scaling:
        label = _label(ctx, service.scaling)
        scaled = scaling.parse(definitions.fill(definitions.load_template(service.scaling), values, label), label)
    return Rendered(task_definition, service_definition, scaled)
