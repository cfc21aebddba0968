"""devstack.moto_ext: the emulator checks the SRP proof of USER_SRP_AUTH, so a wrong password is refused.

The client's half below follows aws-amplify v6 (`AuthenticationHelper.getPasswordAuthenticationKey`,
`calculateS`, `getSignatureString`): it computes S from the password as a client does,
(B - k·g^x)^(a + u·x), never from the server's secrets. The browser journey (e2e/test_account.py) signs in
through Amplify itself.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timezone

import pytest

from devstack import cognito
from devstack.srp import G, K, N, derived_key, hash_of_hex, padded_hex, scrambler


def start_srp(idp, client_id: str, username: str):
    a = secrets.randbits(256)
    a_public = pow(G, a, N)
    answer = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                               AuthParameters={"USERNAME": username, "SRP_A": format(a_public, "x")})
    assert answer["ChallengeName"] == "PASSWORD_VERIFIER"
    return a, a_public, answer


def proof(pool_id: str, password: str, a: int, a_public: int, parameters: dict, timestamp: str) -> str:
    pool = pool_id.split("_", 1)[1]
    user_id = parameters["USER_ID_FOR_SRP"]
    salt, b_public = int(parameters["SALT"], 16), int(parameters["SRP_B"], 16)
    inner = hashlib.sha256(f"{pool}{user_id}:{password}".encode()).hexdigest()
    x = hash_of_hex(padded_hex(salt), inner)
    u = scrambler(a_public, b_public)
    shared = pow(b_public - K * pow(G, x, N), a + u * x, N)
    key = derived_key(shared, u)
    message = pool.encode() + user_id.encode() + base64.b64decode(parameters["SECRET_BLOCK"]) + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def srp_sign_in(idp, local: cognito.LocalCognito, email: str, password: str, *, reuse: dict | None = None) -> dict:
    a, a_public, answer = start_srp(idp, local.client_id, email)
    parameters = answer["ChallengeParameters"]
    timestamp = datetime.now(timezone.utc).strftime("%a %b %-d %H:%M:%S UTC %Y")  # Amplify's getNowString shape
    responses = {"USERNAME": parameters["USER_ID_FOR_SRP"], "TIMESTAMP": timestamp,
                 "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
                 "PASSWORD_CLAIM_SIGNATURE": proof(local.user_pool_id, password, a, a_public, parameters, timestamp)}
    if reuse is not None:
        reuse.update(session=answer["Session"], responses=responses)
    return idp.respond_to_auth_challenge(ClientId=local.client_id, ChallengeName="PASSWORD_VERIFIER",
                                         Session=answer["Session"], ChallengeResponses=responses)


@pytest.fixture
def pool(emulator):
    return cognito.provision(emulator.url), cognito.client(emulator.url)


def test_the_right_password_signs_in_over_srp(pool):
    local, idp = pool
    user = cognito.DEMO_USERS[0]
    result = srp_sign_in(idp, local, user.email, cognito.DEMO_PASSWORD)["AuthenticationResult"]
    assert idp.get_user(AccessToken=result["AccessToken"])["UserAttributes"]


def test_a_wrong_password_is_refused_as_cognito_refuses_it(pool):
    local, idp = pool
    with pytest.raises(idp.exceptions.NotAuthorizedException) as refused:
        srp_sign_in(idp, local, cognito.DEMO_USERS[0].email, "Not-The-Password-1!")
    assert refused.value.response["Error"]["Message"] == "Incorrect username or password."


def test_the_challenge_is_built_from_the_password_set_last(pool):
    local, idp = pool
    user = cognito.DEMO_USERS[1]
    idp.admin_set_user_password(UserPoolId=local.user_pool_id, Username=user.email, Password="Changed-Secret-9!",
                                Permanent=True)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        srp_sign_in(idp, local, user.email, cognito.DEMO_PASSWORD)
    assert "AuthenticationResult" in srp_sign_in(idp, local, user.email, "Changed-Secret-9!")


def test_a_challenge_answers_one_proof_only(pool):
    local, idp = pool
    first: dict = {}
    srp_sign_in(idp, local, cognito.DEMO_USERS[2].email, cognito.DEMO_PASSWORD, reuse=first)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(ClientId=local.client_id, ChallengeName="PASSWORD_VERIFIER",
                                      Session=first["session"], ChallengeResponses=first["responses"])


def test_the_challenge_has_cognitos_shape(pool):
    local, idp = pool
    _, _, answer = start_srp(idp, local.client_id, cognito.DEMO_USERS[0].email)
    parameters = answer["ChallengeParameters"]
    assert {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"} <= parameters.keys()
    assert int(parameters["SRP_B"], 16) % N != 0
    assert len(base64.b64decode(parameters["SECRET_BLOCK"])) == 64


def test_an_a_of_zero_mod_n_is_refused(pool):
    local, idp = pool
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.initiate_auth(ClientId=local.client_id, AuthFlow="USER_SRP_AUTH",
                          AuthParameters={"USERNAME": cognito.DEMO_USERS[0].email, "SRP_A": format(N, "x")})
