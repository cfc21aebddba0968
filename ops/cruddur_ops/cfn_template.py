"""Read a CloudFormation YAML template into plain data, short-form tags included (!Ref -> {"Ref": ...})."""
from __future__ import annotations

import re
from pathlib import Path

import yaml


class _TemplateLoader(yaml.SafeLoader):
    pass


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load(path: Path) -> dict:
    return yaml.load(Path(path).read_text(), Loader=_TemplateLoader)  # a SafeLoader subclass: yaml.load is safe here


SAMPLE_ACCOUNT = "123456789012"
SAMPLE_REGION = "us-east-1"
# Parameters without a default, as a deploy would pass them (cfn-deploy passes Environment).
SAMPLE_PARAMETERS = {"Environment": "staging"}


def identity_policies(template: dict) -> dict[str, dict]:
    """Every IAM identity policy a template defines (role inline policies, managed and plain policies),
    keyed `<LogicalId>/<PolicyName>`, with intrinsic functions resolved to sample values so policy linters
    see concrete ARNs."""
    found = {}
    for logical_id, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in properties.get("Policies", []):
                found[f"{logical_id}/{policy['PolicyName']}"] = resolve(policy["PolicyDocument"], template)
        elif resource["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            name = resolve(properties.get("ManagedPolicyName") or properties.get("PolicyName") or logical_id,
                           template)
            found[f"{logical_id}/{name}"] = resolve(properties["PolicyDocument"], template)
    return found


def resolve(value, template: dict):
    """Resolve Ref, Fn::Sub, Fn::GetAtt, Fn::If (first branch) with parameter defaults and sample ids."""
    if isinstance(value, list):
        return [resolve(v, template) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return _ref(value["Ref"], template)
    if "Fn::Sub" in value:
        return _substitute(value["Fn::Sub"], template)
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return _sample_arn(logical_id, template) if attribute == "Arn" else logical_id
    if "Fn::If" in value:
        return resolve(value["Fn::If"][1], template)
    return {k: resolve(v, template) for k, v in value.items()}


# The ARN shapes of the resources whose ARNs our policies name.
_ARN_FORMATS = {
    "AWS::IAM::Role": "arn:aws:iam::{account}:role/{name}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}:*",
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::KMS::Key": "arn:aws:kms:{region}:{account}:key/{name}",
    "AWS::ECR::Repository": "arn:aws:ecr:{region}:{account}:repository/{name}",
}


def _sample_arn(logical_id: str, template: dict) -> str:
    resource = template["Resources"][logical_id]
    properties = resource.get("Properties", {})
    name = next((resolve(v, template) for k, v in properties.items()
                 if k.endswith("Name") and isinstance(resolve(v, template), str)), logical_id)
    return _ARN_FORMATS[resource["Type"]].format(account=SAMPLE_ACCOUNT, region=SAMPLE_REGION, name=name)


def _ref(name: str, template: dict) -> str:
    pseudo = {"AWS::AccountId": SAMPLE_ACCOUNT, "AWS::Region": SAMPLE_REGION, "AWS::Partition": "aws",
              "AWS::StackName": "cruddur-sample"}
    if name in pseudo:
        return pseudo[name]
    parameter = template.get("Parameters", {}).get(name)
    if parameter is not None:
        return str(parameter.get("Default") or SAMPLE_PARAMETERS.get(name) or f"sample-{name.lower()}")
    return f"arn:aws:sample:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:{name}"


def _substitute(text: str, template: dict) -> str:
    def one(match):
        name = match.group(1)
        if "." in name:
            return resolve({"Fn::GetAtt": name.split(".", 1)}, template)
        return _ref(name, template)

    return re.sub(r"\$\{([^}!]+)\}", one, text)
