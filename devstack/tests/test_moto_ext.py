"""devstack.moto_ext: GetTokensFromRefreshToken and ResendConfirmationCode on the emulator, in the real
operations' shapes.

Called both through boto3 (botocore knows the operation) and as aws-amplify v6 sends it from the
browser: an unsigned, cross-origin JSON POST with an X-Amz-Target header.
"""
from __future__ import annotations

import base64
import json

import pytest
import requests

from devstack import cognito


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def signed_in(emulator):
    local = cognito.provision(emulator.url)
    tokens = cognito.sign_in(emulator.url, local.client_id, cognito.DEMO_USERS[0].email, cognito.DEMO_PASSWORD)
    return local, tokens


def test_refresh_returns_fresh_tokens_for_the_same_user(emulator, signed_in):
    local, tokens = signed_in
    answer = cognito.client(emulator.url).get_tokens_from_refresh_token(
        ClientId=local.client_id, RefreshToken=tokens["RefreshToken"])
    result = answer["AuthenticationResult"]
    assert {"AccessToken", "IdToken", "ExpiresIn", "TokenType"} <= result.keys()
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == cognito.ACCESS_TOKEN_MINUTES * 60
    old, new = claims(tokens["AccessToken"]), claims(result["AccessToken"])
    assert new["jti"] != old["jti"]
    assert (new["sub"], new["client_id"], new["token_use"]) == (old["sub"], local.client_id, "access")
    assert claims(result["IdToken"])["preferred_username"] == cognito.DEMO_USERS[0].handle


AMPLIFY_ORIGIN = "http://localhost:3000"
REFRESH_TARGET = "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"


def amplify_refresh(url: str, body: dict) -> requests.Response:
    """The request aws-amplify v6 makes from the browser: unsigned, cross-origin, JSON 1.1."""
    return requests.post(
        url + "/",
        headers={"Origin": AMPLIFY_ORIGIN, "Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": REFRESH_TARGET, "Cache-Control": "no-store"},
        data=json.dumps(body), timeout=10,
    )


def test_refresh_as_amplify_sends_it_from_the_browser(emulator, signed_in):
    local, tokens = signed_in
    preflight = requests.options(emulator.url + "/", timeout=10, headers={
        "Origin": AMPLIFY_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "cache-control,content-type,x-amz-target,x-amz-user-agent"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == AMPLIFY_ORIGIN
    assert "x-amz-target" in preflight.headers.get("Access-Control-Allow-Headers", "").lower()

    response = amplify_refresh(emulator.url, {"ClientId": local.client_id, "RefreshToken": tokens["RefreshToken"],
                                              "ClientMetadata": {"source": "web"}})
    assert response.status_code == 200, response.text
    assert response.headers.get("Access-Control-Allow-Origin") == AMPLIFY_ORIGIN
    result = response.json()["AuthenticationResult"]
    assert claims(result["AccessToken"])["sub"] == claims(tokens["AccessToken"])["sub"]


def test_refresh_failure_is_the_json_error_amplify_reads(emulator, signed_in):
    local, _ = signed_in
    response = amplify_refresh(emulator.url, {"ClientId": local.client_id, "RefreshToken": "revoked-or-made-up"})
    assert response.status_code == 400
    assert response.json()["__type"] == "NotAuthorizedException"
    assert response.headers.get("Access-Control-Allow-Origin") == AMPLIFY_ORIGIN


def test_unknown_refresh_token_is_not_authorized(emulator, signed_in):
    local, _ = signed_in
    idp = cognito.client(emulator.url)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(ClientId=local.client_id, RefreshToken="not-a-refresh-token")


def test_refresh_token_of_another_client_is_not_authorized(emulator, signed_in):
    local, tokens = signed_in
    idp = cognito.client(emulator.url)
    other = idp.create_user_pool_client(UserPoolId=local.user_pool_id, ClientName="other-app",
                                        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(ClientId=other["ClientId"], RefreshToken=tokens["RefreshToken"])


def test_unknown_client_is_not_found(emulator, signed_in):
    _, tokens = signed_in
    idp = cognito.client(emulator.url)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_tokens_from_refresh_token(ClientId="nosuchclient", RefreshToken=tokens["RefreshToken"])


def test_refresh_after_global_sign_out_is_not_authorized(emulator, signed_in):
    local, tokens = signed_in
    idp = cognito.client(emulator.url)
    idp.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(ClientId=local.client_id, RefreshToken=tokens["RefreshToken"])


def test_client_with_a_secret_needs_that_secret(emulator, signed_in):
    local, _ = signed_in
    idp = cognito.client(emulator.url)
    app = idp.create_user_pool_client(UserPoolId=local.user_pool_id, ClientName="server-app",
                                      GenerateSecret=True,
                                      ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                         "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    email = cognito.DEMO_USERS[1].email
    tokens = idp.admin_initiate_auth(
        UserPoolId=local.user_pool_id, ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": cognito.DEMO_PASSWORD},
    )["AuthenticationResult"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(ClientId=app["ClientId"], RefreshToken=tokens["RefreshToken"],
                                          ClientSecret="w" * 52)
    result = idp.get_tokens_from_refresh_token(ClientId=app["ClientId"], RefreshToken=tokens["RefreshToken"],
                                               ClientSecret=app["ClientSecret"])["AuthenticationResult"]
    assert claims(result["AccessToken"])["client_id"] == app["ClientId"]


def test_other_operations_are_moto_as_usual(emulator, signed_in):
    local, tokens = signed_in
    refreshed = cognito.client(emulator.url).initiate_auth(
        ClientId=local.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["sub"] == claims(tokens["AccessToken"])["sub"]


def test_resend_names_where_the_new_code_went_for_an_unconfirmed_user(emulator):
    local = cognito.provision(emulator.url)
    idp = cognito.client(emulator.url)
    idp.sign_up(ClientId=local.client_id, Username="lee.late@cruddur.example", Password=cognito.DEMO_PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "lee.late@cruddur.example"},
                                {"Name": "preferred_username", "Value": "leelate"},
                                {"Name": "name", "Value": "Lee Late"}])
    answer = idp.resend_confirmation_code(ClientId=local.client_id, Username="lee.late@cruddur.example")
    assert answer["CodeDeliveryDetails"] == {"Destination": "l***@c***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}


@pytest.mark.parametrize("username, error", [
    (cognito.DEMO_USERS[0].email, "InvalidParameterException"),   # already confirmed
    ("nobody@cruddur.example", "UserNotFoundException"),
])
def test_resend_refuses_as_cognito_does(emulator, username, error):
    local = cognito.provision(emulator.url)
    idp = cognito.client(emulator.url)
    with pytest.raises(idp.exceptions.ClientError) as raised:
        idp.resend_confirmation_code(ClientId=local.client_id, Username=username)
    assert raised.value.response["Error"]["Code"] == error


def test_resend_for_an_unknown_app_client_is_not_found(emulator):
    idp = cognito.client(emulator.url)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.resend_confirmation_code(ClientId="no-such-client", Username="anyone@cruddur.example")


def test_tokens_last_as_long_as_the_app_client_says(emulator, signed_in):
    local, tokens = signed_in
    for token in (tokens["AccessToken"], tokens["IdToken"]):
        lifetime = claims(token)["exp"] - claims(token)["iat"]
        assert lifetime == cognito.ACCESS_TOKEN_MINUTES * 60
    idp = cognito.client(emulator.url)
    hourly = idp.create_user_pool_client(UserPoolId=local.user_pool_id, ClientName="defaults",
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                            "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    answer = idp.initiate_auth(ClientId=hourly["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": cognito.DEMO_USERS[0].email, "PASSWORD": cognito.DEMO_PASSWORD})["AuthenticationResult"]
    access = claims(answer["AccessToken"])
    assert access["exp"] - access["iat"] == 3600  # Cognito's default when the client names no lifetime
