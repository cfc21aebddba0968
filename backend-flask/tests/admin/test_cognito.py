"""bin/cognito/list-users against the local Cognito emulator (the conftest's pool and demo users)."""
from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from devstack import cognito as local_cognito

REPO = Path(__file__).resolve().parents[3]


def list_users(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "bin" / "cognito" / "list-users")], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


def test_list_users_shows_each_demo_user_with_handle_sub_and_status(aws, cognito):
    result = list_users({"AWS_COGNITO_USER_POOL_ID": cognito.user_pool_id})
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["handle", "sub", "email", "status"]
    listed = {row.split()[0]: row.split()[1:] for row in rows}
    idp = local_cognito.client(aws.url)
    for user in local_cognito.DEMO_USERS:
        attributes = idp.admin_get_user(UserPoolId=cognito.user_pool_id, Username=user.email)["UserAttributes"]
        sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
        assert listed[user.handle] == [sub, user.email, "CONFIRMED"]


def test_list_users_without_a_pool_names_the_variable():
    from cruddur.admin.cli import main

    err = io.StringIO()
    code = main(["cognito", "list-users"], env={}, out=io.StringIO(), err=err)
    assert (code, err.getvalue()) == (
        1, "bin/cognito/list-users: AWS_COGNITO_USER_POOL_ID is not set; it names the pool to list\n")
