"""The Cognito commands: bin/cognito/list-users, and bin/db/update-cognito-user-ids, which links the
database's users to the pool's by handle. Both read the pool through `pool_users`.

They work on AWS and on the local emulator alike: AWS_ENDPOINT_URL, when set, points the client at it.
"""
from __future__ import annotations

import boto3
import psycopg
from botocore.exceptions import BotoCoreError, ClientError

from cruddur.admin.console import Console, Failure
from cruddur.admin.db import chore_url, explained
from cruddur.config import Settings
from cruddur.db import CONNECT_TIMEOUT_SECONDS, sql

COLUMNS = ("handle", "sub", "email", "status")


def client(settings: Settings):
    return boto3.client("cognito-idp", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)


def pool_users(idp, pool_id: str) -> list[dict[str, str]]:
    """Every user of the pool: username, sub, preferred_username, handle (preferred_username, else
    username), email, status."""
    found = []
    try:
        for page in idp.get_paginator("list_users").paginate(UserPoolId=pool_id):
            for user in page["Users"]:
                attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
                preferred = attributes.get("preferred_username", "")
                found.append({"username": user["Username"], "sub": attributes.get("sub", ""),
                              "preferred_username": preferred, "handle": preferred or user["Username"],
                              "email": attributes.get("email", ""), "status": user.get("UserStatus", "")})
    except (BotoCoreError, ClientError) as err:
        raise Failure(f"cannot list the users of Cognito pool {pool_id}: {err}") from None
    return found


def list_users(args, console: Console) -> None:
    settings = console.settings.api
    if not settings.user_pool_id:
        raise Failure("AWS_COGNITO_USER_POOL_ID is not set; it names the pool to list")
    table = [{k: k for k in COLUMNS}, *pool_users(client(settings), settings.user_pool_id)]
    widths = {k: max(len(r[k]) for r in table) for k in COLUMNS}
    for row in table:
        console.out.write("  ".join(row[k].ljust(widths[k]) for k in COLUMNS).rstrip() + "\n")


def update_cognito_user_ids(args, console: Console) -> None:
    settings = console.settings.api
    if not settings.user_pool_id:
        raise Failure("AWS_COGNITO_USER_POOL_ID is not set")
    # only a user who chose a handle is linked by it; one known by username alone stays unlinked
    subs = {u["preferred_username"]: u["sub"] for u in pool_users(client(settings), settings.user_pool_id)
            if u["preferred_username"] and u["sub"]}
    url = chore_url(args, console)
    with explained(url), psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        linked = [row[0] for handle, sub in sorted(subs.items())
                  for row in conn.execute(sql("users/link_cognito"), {"handle": handle, "sub": sub})]
    for handle in linked:
        console.out.write(f"linked @{handle} to its Cognito user\n")
    console.out.write(f"{len(linked)} of {len(subs)} Cognito users matched a handle\n")
