"""Cruddur's Cognito user pool, app client and demo users, on the local AWS emulator.

Shaped like the real pool: people sign in with their email address (UsernameAttributes), the handle is
`preferred_username` and the display name `name`; the web app's client has no secret and allows
USER_PASSWORD_AUTH, SRP and refresh. Provisioning is idempotent: it finds the pool, client and users by
name, so running it against an emulator that already has them changes nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import boto3

from devstack.moto import FAKE_CREDENTIALS

POOL_NAME = "cruddur-local"
CLIENT_NAME = "cruddur-web"
# One password for every demo user; it meets the pool's policy below. Local emulator only.
DEMO_PASSWORD = "Cruddur-Demo-2026!"
PASSWORD_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                   "RequireNumbers": True, "RequireSymbols": True}
PROFILE_ATTRIBUTES = ["email", "email_verified", "name", "preferred_username"]


@dataclass(frozen=True)
class DemoUser:
    handle: str
    name: str
    email: str


DEMO_USERS = (
    DemoUser("andrewbrown", "Andrew Brown", "andrew@cruddur.example"),
    DemoUser("bayko", "Andrew Bayko", "bayko@cruddur.example"),
    DemoUser("londo", "Londo Mollari", "londo@cruddur.example"),
)


@dataclass(frozen=True)
class LocalCognito:
    user_pool_id: str
    client_id: str
    jwks_url: str


def client(endpoint_url: str, region: str = "us-east-1"):
    return boto3.client(
        "cognito-idp", endpoint_url=endpoint_url, region_name=region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
    )


def provision(endpoint_url: str, region: str = "us-east-1",
              users: Iterable[DemoUser] = DEMO_USERS) -> LocalCognito:
    """Make sure the pool, the web client and `users` (confirmed, with DEMO_PASSWORD) exist."""
    idp = client(endpoint_url, region)
    pool_id = _ensure_pool(idp)
    client_id = _ensure_client(idp, pool_id)
    for user in users:
        _ensure_user(idp, pool_id, user)
    return LocalCognito(user_pool_id=pool_id, client_id=client_id,
                        jwks_url=f"{endpoint_url.rstrip('/')}/{pool_id}/.well-known/jwks.json")


def sign_in(endpoint_url: str, client_id: str, username: str, password: str,
            region: str = "us-east-1") -> dict:
    """The AuthenticationResult (AccessToken, IdToken, RefreshToken, ...) of a password sign-in."""
    answer = client(endpoint_url, region).initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    if "AuthenticationResult" not in answer:
        raise RuntimeError(f"sign-in of {username} stopped at challenge {answer.get('ChallengeName')}")
    return answer["AuthenticationResult"]


def _ensure_pool(idp) -> str:
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == POOL_NAME:
                return pool["Id"]
    created = idp.create_user_pool(
        PoolName=POOL_NAME,
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "preferred_username", "AttributeDataType": "String", "Required": True, "Mutable": True},
        ],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
    )
    return created["UserPool"]["Id"]


ACCESS_TOKEN_MINUTES = 5  # aws/cfn/data/template.yaml's UserPoolClient says the same (test_cognito holds them)


def _ensure_client(idp, pool_id: str) -> str:
    for page in idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
        for app in page["UserPoolClients"]:
            if app["ClientName"] == CLIENT_NAME:
                return app["ClientId"]
    created = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=PROFILE_ATTRIBUTES,
        WriteAttributes=["email", "name", "preferred_username"],
        PreventUserExistenceErrors="ENABLED",
        # As the data stack's client: five-minute tokens, so a signed-out session ends within five minutes
        # and the local web app refreshes its tokens the way production's does.
        EnableTokenRevocation=True,
        AccessTokenValidity=ACCESS_TOKEN_MINUTES, IdTokenValidity=ACCESS_TOKEN_MINUTES, RefreshTokenValidity=30,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    )
    return created["UserPoolClient"]["ClientId"]


def _ensure_user(idp, pool_id: str, user: DemoUser) -> None:
    try:
        idp.admin_get_user(UserPoolId=pool_id, Username=user.email)
    except idp.exceptions.UserNotFoundException:
        idp.admin_create_user(
            UserPoolId=pool_id, Username=user.email, MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": user.name},
                {"Name": "preferred_username", "Value": user.handle},
            ],
        )
    # Permanent: the user is CONFIRMED and signs in without a forced password change.
    idp.admin_set_user_password(UserPoolId=pool_id, Username=user.email, Password=DEMO_PASSWORD,
                                Permanent=True)
