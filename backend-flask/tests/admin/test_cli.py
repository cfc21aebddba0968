"""The admin commands' one exit-code policy, and that it speaks ops' numbers."""
from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from cruddur.admin import cli, console

OPS_ERRORS = Path(__file__).resolve().parents[3] / "ops" / "cruddur_ops" / "errors.py"


def ops_exit_codes() -> dict[str, int]:
    """The constants ops/cruddur_ops/errors.py assigns, read from its source (the backend never imports ops)."""
    tree = ast.parse(OPS_ERRORS.read_text())
    return {node.targets[0].id: node.value.value for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)}


def test_exit_codes_are_the_ones_ops_uses():
    ops = ops_exit_codes()
    assert {name: ops[name] for name in ("FAILED", "USAGE", "BUG")} == \
        {"FAILED": console.FAILED, "USAGE": console.USAGE, "BUG": console.BUG}


@pytest.mark.parametrize("argv, complaint", [
    ([], "the following arguments are required: area"),
    (["db"], "the following arguments are required: name"),
    (["db", "no-such-chore"], "invalid choice: 'no-such-chore'"),
    (["db", "create", "staging"], "invalid choice: 'staging'"),
    (["db", "rollback", "--steps", "two"], "invalid int value: 'two'"),
])
def test_a_bad_command_line_prints_usage_and_exits_64(argv, complaint):
    err = io.StringIO()
    assert cli.main(argv, env={}, out=io.StringIO(), err=err) == 64
    assert err.getvalue().startswith("usage: python -m cruddur.admin") and complaint in err.getvalue(), \
        err.getvalue()


def test_a_bug_keeps_its_traceback_and_exits_70(monkeypatch):
    def broken(args, console):
        raise RuntimeError("a bug in a command")

    monkeypatch.setitem(cli.COMMANDS["db"], "test", cli.Command(broken, "broken"))
    err = io.StringIO()
    assert cli.main(["db", "test"], env={}, out=io.StringIO(), err=err) == 70
    assert err.getvalue().startswith("Traceback (most recent call last):")
    assert err.getvalue().rstrip().endswith("RuntimeError: a bug in a command")


def test_an_unreadable_setting_is_a_known_failure_not_a_bug():
    err = io.StringIO()
    code = cli.main(["db", "test"], env={"DB_POOL_MIN_SIZE": "one"}, out=io.StringIO(), err=err)
    assert (code, err.getvalue()) == (1, "error: DB_POOL_MIN_SIZE must be an integer, not 'one'\n")
