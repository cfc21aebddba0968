"""The bin/ doors: each names a registered command (and a configured service), and they really run."""
import os
import re
import subprocess
from pathlib import Path

import pytest

from cruddur_ops import cli, config
from tests.conftest import STACK_VALUES, var_flags

ROOT = Path(__file__).resolve().parents[2]
# generate-env is the local stack's door (devstack.envfiles, tested with it), not the deploy tooling's
DOORS = sorted(p for folder in ("bin/ecr", "bin/ecs", "bin/backend", "bin/frontend") for p in (ROOT / folder).iterdir()
               if p.name not in ("ops", "generate-env"))
EXEC = re.compile(r'^exec "\$\(dirname "\$\(readlink -f "\$0"\)"\)/(?:\.\./ecs/)?ops" (\S+)(?: (\S+))? "\$@"$', re.M)


@pytest.mark.parametrize("door", DOORS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_door_calls_a_registered_command(door):
    match = EXEC.search(door.read_text())
    assert match, f"{door}: expected one exec line into bin/ecs/ops"
    command, service = match.groups()
    assert command in cli.COMMANDS
    if service:
        assert service in config.load(ROOT, {}).services
    assert os.access(door, os.X_OK)


def test_a_door_runs_the_cli_end_to_end():
    env = {"PATH": os.environ["PATH"], "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x",
           "AWS_SECRET_ACCESS_KEY": "x"}
    result = subprocess.run([ROOT / "bin/ecs/render", "frontend-react-js", *var_flags(STACK_VALUES)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert '"family": "cruddur-staging-frontend-react-js"' in result.stdout


def test_a_bug_exits_70_with_a_traceback(cli):
    result = cli(["status", "backend-flask"], aws=object(), environ={})
    assert result.code == 70
    assert result.stderr.startswith("Traceback (most recent call last):")
