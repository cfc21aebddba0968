"""Loaded (through PYTHONPATH) into a moto 5.2.5 server child only: fills two gaps of its change sets.

moto creates a change-set stack without the account's exports, so Fn::ImportValue fails, and it never
computes the outputs and exports after ExecuteChangeSet, so DescribeStacks shows none. Both work in
moto's CreateStack path; these wrappers give change sets the same, so the stacks that import one another
can be deployed through bin/cfn/deploy's real change-set path. Nothing else in moto changes.
"""
from moto.cloudformation import models

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
