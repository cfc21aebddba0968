"""The command line's conventions: usage errors, known failures, bugs."""
import pytest

from cruddur_ops import cli
from cruddur_ops.errors import BUG, USAGE


def test_unknown_command_is_a_usage_error_with_its_own_exit_code(cli):
    result = cli(["no-such-command"])
    assert result.code == USAGE
    assert "error: cruddur_ops: argument command: invalid choice: 'no-such-command'" in result.stderr


def test_every_registered_command_has_help_configure_and_run():
    import importlib

    for name, module_name in cli.COMMANDS.items():
        module = importlib.import_module(module_name)
        assert module.HELP and callable(module.configure) and callable(module.run), name
