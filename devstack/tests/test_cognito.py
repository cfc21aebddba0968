"""devstack.cognito: the local pool, app client and demo users, provisioned over HTTP."""
from __future__ import annotations

import base64
import json

import pytest
import requests

from devstack import cognito


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def attributes(user: dict) -> dict:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes") or user.get("Attributes")}


def test_provision_builds_the_pool_client_and_confirmed_demo_users(emulator):
    local = cognito.provision(emulator.url)
    idp = cognito.client(emulator.url)

    pool = idp.describe_user_pool(UserPoolId=local.user_pool_id)["UserPool"]
    assert pool["Name"] == cognito.POOL_NAME
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"] == cognito.PASSWORD_POLICY
    required = {a["Name"] for a in pool["SchemaAttributes"] if a.get("Required")}
    assert {"email", "name", "preferred_username"} <= required

    app = idp.describe_user_pool_client(UserPoolId=local.user_pool_id, ClientId=local.client_id)["UserPoolClient"]
    assert "ClientSecret" not in app
    assert set(app["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                                             "ALLOW_REFRESH_TOKEN_AUTH"}
    assert {"email", "name", "preferred_username"} <= set(app["ReadAttributes"])

    users = idp.list_users(UserPoolId=local.user_pool_id)["Users"]
    assert sorted((attributes(u)["preferred_username"], attributes(u)["name"], attributes(u)["email"])
                  for u in users) == sorted((u.handle, u.name, u.email) for u in cognito.DEMO_USERS)
    assert {u["UserStatus"] for u in users} == {"CONFIRMED"}


def test_provision_is_idempotent(emulator):
    first = cognito.provision(emulator.url)
    andrew = cognito.DEMO_USERS[0]
    sub = claims(cognito.sign_in(emulator.url, first.client_id, andrew.email, cognito.DEMO_PASSWORD)
                 ["AccessToken"])["sub"]

    second = cognito.provision(emulator.url)

    assert second == first
    idp = cognito.client(emulator.url)
    assert [p["Id"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]] == [first.user_pool_id]
    clients = idp.list_user_pool_clients(UserPoolId=first.user_pool_id, MaxResults=60)["UserPoolClients"]
    assert [c["ClientId"] for c in clients] == [first.client_id]
    assert len(idp.list_users(UserPoolId=first.user_pool_id)["Users"]) == len(cognito.DEMO_USERS)
    again = cognito.sign_in(emulator.url, first.client_id, andrew.email, cognito.DEMO_PASSWORD)
    assert claims(again["AccessToken"])["sub"] == sub  # the same user, not a re-created one


def test_provision_takes_its_own_users(emulator):
    guest = cognito.DemoUser("guest", "Guest User", "guest@cruddur.example")
    local = cognito.provision(emulator.url, users=[guest])
    tokens = cognito.sign_in(emulator.url, local.client_id, guest.email, cognito.DEMO_PASSWORD)
    assert claims(tokens["IdToken"])["preferred_username"] == "guest"
    assert len(cognito.client(emulator.url).list_users(UserPoolId=local.user_pool_id)["Users"]) == 1


@pytest.mark.parametrize("user", cognito.DEMO_USERS, ids=lambda u: u.handle)
def test_every_demo_user_signs_in_and_tokens_carry_the_profile(emulator, user):
    local = cognito.provision(emulator.url)
    tokens = cognito.sign_in(emulator.url, local.client_id, user.email, cognito.DEMO_PASSWORD)
    assert {"AccessToken", "IdToken", "RefreshToken"} <= tokens.keys()
    access, identity = claims(tokens["AccessToken"]), claims(tokens["IdToken"])
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{local.user_pool_id}"
    assert (access["token_use"], access["client_id"], access["iss"]) == ("access", local.client_id, issuer)
    assert (identity["name"], identity["preferred_username"], identity["email"]) == (user.name, user.handle,
                                                                                    user.email)
    profile = attributes(cognito.client(emulator.url).get_user(AccessToken=tokens["AccessToken"]))
    assert profile["sub"] == access["sub"] == identity["sub"]


def test_sign_in_with_a_wrong_password_is_refused(emulator):
    local = cognito.provision(emulator.url)
    idp = cognito.client(emulator.url)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        cognito.sign_in(emulator.url, local.client_id, cognito.DEMO_USERS[0].email, "Wrong-Password-1")


def test_key_set_is_served_where_provision_says(emulator):
    local = cognito.provision(emulator.url)
    assert local.jwks_url == f"{emulator.url}/{local.user_pool_id}/.well-known/jwks.json"
    document = requests.get(local.jwks_url, timeout=10).json()
    tokens = cognito.sign_in(emulator.url, local.client_id, cognito.DEMO_USERS[0].email, cognito.DEMO_PASSWORD)
    header = json.loads(base64.urlsafe_b64decode(tokens["AccessToken"].split(".")[0] + "=="))
    assert header["kid"] in {key["kid"] for key in document["keys"]}


def test_demo_password_meets_the_pool_policy():
    password, policy = cognito.DEMO_PASSWORD, cognito.PASSWORD_POLICY
    assert len(password) >= policy["MinimumLength"]
    assert any(ch.isupper() for ch in password) and any(ch.islower() for ch in password)
    assert any(ch.isdigit() for ch in password) and any(not ch.isalnum() for ch in password)
