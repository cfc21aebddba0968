"""The command line's conventions: usage errors, the registry."""
import importlib

from cruddur_ops.cli import COMMANDS
from cruddur_ops.errors import USAGE


def test_unknown_command_is_a_usage_error_with_its_own_exit_code(cli):
    result = cli(["no-such-command"])
    assert (result.code, result.stdout) == (USAGE, "")
    assert result.stderr.splitlines()[-1] == (
        "error: cruddur_ops: argument command: invalid choice: 'no-such-command' (choose from "
        + ", ".join(repr(name) for name in COMMANDS) + ")")


def test_bad_flag_value_is_a_usage_error(cli):
    result = cli(["logs", "backend-flask", "--output", "yaml"])
    assert result.code == USAGE
    assert result.stderr.splitlines()[-1] == ("error: cruddur_ops logs: argument --output: invalid choice: 'yaml' "
                                              "(choose from 'text', 'json')")


def test_every_registered_command_has_help_configure_and_run():
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        assert module.HELP and callable(module.configure) and callable(module.run), name
