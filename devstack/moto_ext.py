"""moto's server plus two Cognito operations the web app calls that moto 5.2.5 does not know (it answers
them with an HTML error page):

- GetTokensFromRefreshToken: aws-amplify v6 refreshes tokens only through it, so without it the browser
  session dies after an hour. It is the REFRESH_TOKEN_AUTH flow of InitiateAuth under another name, so it
  is answered by that flow and returned in the real operation's response shape.
- ResendConfirmationCode ("Resend code" on the confirm page): answered as Cognito does, with where the code
  went, or the error Cognito gives for an unknown or already confirmed user. moto accepts any confirmation
  code, so no code is made.

Everything else is plain `python -m moto.server`:

    python -m devstack.moto_ext -H 127.0.0.1 -p 5005
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from moto.cognitoidp.exceptions import (InvalidParameterException, NotAuthorizedError, ResourceNotFoundError,
                                        UserNotFoundError)
from moto.cognitoidp.models import UserStatus
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult
from moto.server import main as moto_server_main


def _secret_hash(client_id: str, client_secret: str, username: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def get_tokens_from_refresh_token(self: CognitoIdpResponse) -> ActionResult:
    client_id = self._get_param("ClientId")
    refresh_token = self._get_param("RefreshToken")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool = _pool_of(self, client_id)
    issued = pool.refresh_tokens.get(refresh_token)
    # Cognito only honours a refresh token at the app client it was issued to; moto's
    # REFRESH_TOKEN_AUTH does not check that, so it is checked here.
    if issued is None or issued[0] != client_id:
        raise NotAuthorizedError("Invalid Refresh Token")
    auth_parameters = {"REFRESH_TOKEN": refresh_token}
    client = pool.clients[client_id]
    if client.generate_secret:
        # This operation takes the client secret itself; InitiateAuth wants the hash derived from it.
        if self._get_param("ClientSecret") != client.secret:
            raise NotAuthorizedError(f"Unable to verify secret hash for client {client_id}")
        auth_parameters["SECRET_HASH"] = _secret_hash(client_id, client.secret, issued[1])
    result = backend.initiate_auth(client_id, "REFRESH_TOKEN_AUTH", auth_parameters)
    return ActionResult(result)


def _pool_of(self: CognitoIdpResponse, client_id: str):
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    return pool


def _masked(email: str) -> str:
    """Cognito names the address a code went to by its first letters only: a***@c***."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def resend_confirmation_code(self: CognitoIdpResponse) -> ActionResult:
    pool = _pool_of(self, self._get_param("ClientId"))
    user = pool._get_user(self._get_param("Username"))
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if user.status is UserStatus.CONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    email = user.attribute_lookup.get("email", "")
    return ActionResult({"CodeDeliveryDetails": {"Destination": _masked(email), "DeliveryMedium": "EMAIL",
                                                 "AttributeName": "email"}})


def install() -> None:
    """Teach moto's Cognito responder the operations (idempotent)."""
    CognitoIdpResponse.get_tokens_from_refresh_token = get_tokens_from_refresh_token
    CognitoIdpResponse.resend_confirmation_code = resend_confirmation_code


def main(argv: list[str] | None = None) -> None:
    install()
    moto_server_main(argv)


if __name__ == "__main__":
    main()
