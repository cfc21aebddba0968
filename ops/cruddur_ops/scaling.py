"""Application Auto Scaling of a service, as code: aws/json/scaling-<service>.json (min and max tasks and
target-tracking policies on CPU and on the load balancer's requests per target).

`deploy` owns the services, so it owns their scaling too: after a successful rollout it registers the
scalable target and puts the policies (Application Auto Scaling needs the service to exist, which is why
this is not a CloudFormation stack). Once a scalable target exists, `deploy` no longer sends desiredCount:
the count is autoscaling's, and the service file's value is used only when the service is created.
"""
from __future__ import annotations

from dataclasses import dataclass

from cruddur_ops.errors import OpsError

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
METRICS = ("ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget")


@dataclass(frozen=True)
class Scaling:
    min_capacity: int
    max_capacity: int
    target_tracking: list[dict]


def parse(raw: dict, label: str) -> Scaling:
    """A filled scaling file (cruddur_ops.rendering fills its placeholders like the service's other files)."""
    low, high = raw.get("minCapacity"), raw.get("maxCapacity")
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
        raise OpsError(f"{label}: minCapacity and maxCapacity must be whole numbers, 1 ≤ minCapacity ≤ maxCapacity")
    policies = raw.get("targetTracking", [])
    for policy in policies:
        if policy.get("metric") not in METRICS or not policy.get("policyName"):
            raise OpsError(f"{label}: each targetTracking entry needs a policyName and a metric out of "
                           f"{', '.join(METRICS)}")
    return Scaling(low, high, policies)


def resource_id(cluster: str, service: str) -> str:
    return f"service/{cluster}/{service}"


def scalable_target(client, cluster: str, service: str) -> dict | None:
    """The service's registered scalable target, or None."""
    found = client.describe_scalable_targets(ServiceNamespace=NAMESPACE, ResourceIds=[resource_id(cluster, service)],
                                             ScalableDimension=DIMENSION)["ScalableTargets"]
    return found[0] if found else None


def resource_label(elbv2, target_group_arn: str) -> str:
    """ALBRequestCountPerTarget's label: app/<load balancer>/<id>/targetgroup/<target group>/<id>."""
    group = elbv2.describe_target_groups(TargetGroupArns=[target_group_arn])["TargetGroups"][0]
    if not group.get("LoadBalancerArns"):
        raise OpsError(f"target group {group['TargetGroupName']} is not attached to a load balancer: "
                       "ALBRequestCountPerTarget has nothing to count")
    return f"{group['LoadBalancerArns'][0].split(':loadbalancer/', 1)[1]}/{target_group_arn.split(':', 5)[5]}"


def apply(ctx, cluster: str, service: dict, scaling: Scaling) -> None:
    """Register the scalable target and put each target-tracking policy; one line saying what now holds."""
    client, name = ctx.aws.client("application-autoscaling"), service["serviceName"]
    target = resource_id(cluster, name)
    client.register_scalable_target(ServiceNamespace=NAMESPACE, ResourceId=target, ScalableDimension=DIMENSION,
                                    MinCapacity=scaling.min_capacity, MaxCapacity=scaling.max_capacity)
    described = []
    for policy in scaling.target_tracking:
        metric = {"PredefinedMetricType": policy["metric"]}
        if policy["metric"] == "ALBRequestCountPerTarget":
            balancer = next(b for b in service.get("loadBalancers", []) if "targetGroupArn" in b)
            metric["ResourceLabel"] = resource_label(ctx.aws.elbv2, balancer["targetGroupArn"])
        configuration = {"TargetValue": float(policy["targetValue"]), "PredefinedMetricSpecification": metric}
        for key, api in (("scaleOutCooldown", "ScaleOutCooldown"), ("scaleInCooldown", "ScaleInCooldown")):
            if key in policy:
                configuration[api] = policy[key]
        client.put_scaling_policy(PolicyName=policy["policyName"], ServiceNamespace=NAMESPACE, ResourceId=target,
                                  ScalableDimension=DIMENSION, PolicyType="TargetTrackingScaling",
                                  TargetTrackingScalingPolicyConfiguration=configuration)
        described.append(f"{policy['metric']} {policy['targetValue']:g}")
    ctx.out.progress(f"scaling: {name} runs {scaling.min_capacity}–{scaling.max_capacity} tasks, tracking "
                     + ", ".join(described))
