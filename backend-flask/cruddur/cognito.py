"""Cognito's view of a user, read with the user's own access token (GetUser).

boto3 honours AWS_ENDPOINT_URL, so the same code reaches the local emulator in development and tests.
"""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from cruddur.aws import LazyClient
from cruddur.errors import Unauthorized, Unavailable

# GetUser sits on the first request of a new user: fail fast rather than hold a worker thread.
CLIENT_CONFIG = {"connect_timeout": 3, "read_timeout": 5, "retries": {"max_attempts": 2, "mode": "standard"}}


class CognitoProfiles:
    def __init__(self, region: str, endpoint_url: str | None = None):
        # built on first use: most requests come from users who already have a row
        self.client = LazyClient("cognito-idp", region, endpoint_url, **CLIENT_CONFIG)

    def attributes(self, access_token: str) -> dict[str, str]:
        """The caller's attributes (preferred_username, name, email, sub ...)."""
        try:
            reply = self.client.get_user(AccessToken=access_token)
        except ClientError as err:
            if err.response["Error"]["Code"] in ("NotAuthorizedException", "UserNotFoundException"):
                raise Unauthorized(f"cognito GetUser refused the token: {err.response['Error']['Code']}") \
                    from None
            raise Unavailable("cognito_unavailable", "Your profile cannot be read right now.") from err
        except BotoCoreError as err:
            raise Unavailable("cognito_unavailable", "Your profile cannot be read right now.") from err
        return {a["Name"]: a["Value"] for a in reply["UserAttributes"]}


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    app.extensions["cruddur.cognito"] = CognitoProfiles(settings.region, settings.aws_endpoint_url)


def profiles() -> CognitoProfiles:
    return current_app.extensions["cruddur.cognito"]
