"""bin/cognito/list-users: the pool's users with the handle and sub the database links them by.

Works on AWS and on the local emulator alike: boto3 reads AWS_ENDPOINT_URL itself when it is set.
"""
from __future__ import annotations

import os
import sys
from typing import Mapping, TextIO


def users(cognito, pool_id: str) -> list[dict[str, str]]:
    """Every user of the pool: username, sub, handle (preferred_username, else username), email, status."""
    found = []
    for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool_id):
        for user in page["Users"]:
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            found.append({"username": user["Username"], "sub": attributes.get("sub", ""),
                          "handle": attributes.get("preferred_username") or user["Username"],
                          "email": attributes.get("email", ""), "status": user.get("UserStatus", "")})
    return found


def list_users_main(env: Mapping[str, str] | None = None, out: TextIO = sys.stdout,
                    err: TextIO = sys.stderr) -> int:
    import boto3

    env = os.environ if env is None else env
    pool_id = env.get("AWS_COGNITO_USER_POOL_ID", "")
    if not pool_id:
        err.write("bin/cognito/list-users: AWS_COGNITO_USER_POOL_ID is not set; it names the pool to list\n")
        return 2
    rows = users(boto3.client("cognito-idp"), pool_id)
    header = {"handle": "handle", "sub": "sub", "email": "email", "status": "status"}
    table = [header, *rows]
    widths = {k: max(len(r[k]) for r in table) for k in header}
    for row in table:
        out.write("  ".join(row[k].ljust(widths[k]) for k in header).rstrip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(list_users_main())
