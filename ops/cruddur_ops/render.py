"""`render <service>`: print the task definition and service exactly as they would be sent to ECS."""
from cruddur_ops import context, rendering

HELP = "fill and check a service's task definition and service files; print the API input"


def configure(parser) -> None:
    context.add_service_argument(parser)
    rendering.add_arguments(parser)


def run(args, ctx) -> int:
    rendered = rendering.render(ctx, args, context.service_of(args, ctx))
    return ctx.out.json({"taskDefinition": rendered.task_definition, "service": rendered.service})
