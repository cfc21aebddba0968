"""Loaded (through PYTHONPATH) into a moto 5.2.5 server child only: fills three gaps of its CloudFormation.

moto creates a change-set stack without the account's exports, so Fn::ImportValue fails, and it never
computes the outputs and exports after ExecuteChangeSet, so DescribeStacks shows none. Both work in
moto's CreateStack path; these wrappers give change sets the same, so the stacks that import one another
can be deployed through bin/cfn/deploy's real change-set path.

moto's AWS::KMS::Key ignores KeySpec and KeyUsage (every key it creates from a template is a symmetric
ENCRYPT_DECRYPT key) and stores KeyPolicy as a parsed object where its KMS API keeps a JSON string. Its
CreateKey API makes asymmetric signing keys (ECDSA P-256 sign and verify work), so the key is created
here with the template's KeySpec, KeyUsage and the policy as JSON, as CloudFormation would ask KMS to.
Nothing else in moto changes.
"""
import json

from moto.cloudformation import models
from moto.kms import models as kms_models

_create_change_set = models.CloudFormationBackend.create_change_set
_execute_change_set = models.CloudFormationBackend.execute_change_set


def create_change_set(self, *args, **kwargs):
    change_set_id, stack_id = _create_change_set(self, *args, **kwargs)
    stack = self.stacks[stack_id]
    stack.cross_stack_resources = self.exports
    stack.resource_map.cross_stack_resources = self.exports
    return change_set_id, stack_id


def execute_change_set(self, change_set_name, stack_name=None):
    _execute_change_set(self, change_set_name, stack_name)
    change_set = self.change_sets.get(change_set_name) or next(
        c for c in self.change_sets.values() if c.change_set_name == change_set_name)
    stack = change_set.stack
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    for export in stack.exports:
        self.exports[export.name] = export


models.CloudFormationBackend.create_change_set = create_change_set
models.CloudFormationBackend.execute_change_set = execute_change_set


def create_key_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                        **kwargs):
    properties = cloudformation_json["Properties"]
    key = kms_models.kms_backends[account_id][region_name].create_key(
        policy=json.dumps(properties["KeyPolicy"]),
        key_usage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
        key_spec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
        description=properties.get("Description"),
        tags=properties.get("Tags", []),
    )
    key.key_rotation_status = properties.get("EnableKeyRotation", False)
    key.enabled = properties.get("Enabled", True)
    return key


kms_models.Key.create_from_cloudformation_json = classmethod(create_key_from_cloudformation_json)
