"""moto's server plus what Cruddur needs of AWS that moto 5.2.5 does not act out.

Two Cognito operations the web app calls, which moto answers with an HTML error page:

- GetTokensFromRefreshToken: aws-amplify v6 refreshes tokens only through it, so without it the browser
  session dies after an hour. It is the REFRESH_TOKEN_AUTH flow of InitiateAuth under another name, so it
  is answered by that flow and returned in the real operation's response shape.
- ResendConfirmationCode ("Resend code" on the confirm page): answered as Cognito does, with where the code
  went, or the error Cognito gives for an unknown or already confirmed user. moto accepts any confirmation
  code, so no code is made.

USER_SRP_AUTH (the web app's sign-in): moto answers the PASSWORD_VERIFIER challenge with random numbers and
accepts any proof, so a wrong password signed in. Here the challenge is Cognito's for real (devstack.srp,
built from the user's password, which the emulator knows), and a proof that does not match is refused as
Cognito refuses it: NotAuthorizedException, "Incorrect username or password.". Each challenge is answered
once.

Token lifetimes: moto gives every token an hour. Here the access and ID tokens last as long as the app
client's AccessTokenValidity / IdTokenValidity (in its TokenValidityUnits) say, as Cognito's do, so the
local stack runs with production's short-lived tokens and exercises the web app's refresh path.

ECR image scans: moto answers DescribeImageScanFindings with one made-up HIGH finding for any image once a
scan was started, so the release gate could never be tested against it. Here a test (or a person) publishes
the scan of a digest in ECR's own response shape, and DescribeImageScanFindings answers it as ECR would:
IN_PROGRESS for the seconds asked, then COMPLETE with those findings (or FAILED); a digest with nothing
published has no scan (ScanNotFoundException). The emulator's clock for that can be moved forward, so tests
that inject their own clock never sleep:

    POST /moto-api/cruddur/ecr/scan-results  {"repositoryName", "imageDigest", "status": "COMPLETE"|"FAILED",
                                             "description"?, "imageScanFindings"?, "inProgressSeconds"?,
                                             "region"?, "accountId"?}
    POST /moto-api/cruddur/clock             {"advanceSeconds": N}

Everything else is plain `python -m moto.server`:

    python -m devstack.moto_ext -H 127.0.0.1 -p 5005
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timezone

from moto.cognitoidp.exceptions import (
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, UserStatus
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult
from moto.ecr.exceptions import ScanNotFoundException
from moto.ecr.models import ECRBackend, ecr_backends
from moto.moto_api._internal import urls as moto_api_urls
from moto.server import main as moto_server_main

from devstack import srp

_moto_initiate_auth = CognitoIdpBackend.initiate_auth
_moto_respond_to_auth_challenge = CognitoIdpBackend.respond_to_auth_challenge


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


def _srp_challenges(backend: CognitoIdpBackend) -> dict[str, srp.Challenge]:
    # On the backend, as the scans are, so that moto's reset forgets them with the users.
    if not hasattr(backend, "cruddur_srp_challenges"):
        backend.cruddur_srp_challenges = {}
    return backend.cruddur_srp_challenges


def initiate_auth(self: CognitoIdpBackend, client_id: str, auth_flow: str, auth_parameters: dict[str, str]) -> dict:
    # moto still checks the client, the user and its status, and makes the session; only the numbers change.
    answer = _moto_initiate_auth(self, client_id, auth_flow, auth_parameters)
    if answer.get("ChallengeName") != "PASSWORD_VERIFIER":
        return answer
    moto_session = answer["ChallengeParameters"]["SECRET_BLOCK"]  # moto uses its session as the block
    username, pool = self.sessions.pop(moto_session)
    user = self.admin_get_user(pool.id, username)
    try:
        challenge = srp.Challenge.start(pool.id, user.id, user.password or "", auth_parameters["SRP_A"])
    except ValueError as err:
        raise InvalidParameterException(f"Invalid SRP_A: {err}") from None
    _srp_challenges(self)[challenge.secret_block] = challenge
    # moto's answer to the proof finds the session under the secret block the client sends back.
    self.sessions[challenge.secret_block] = (username, pool)
    answer["ChallengeParameters"].update(challenge.parameters)
    return answer


def respond_to_auth_challenge(self: CognitoIdpBackend, session: str, client_id: str, challenge_name: str,
                              challenge_responses: dict[str, str]) -> dict:
    if challenge_name == "PASSWORD_VERIFIER":
        block = challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
        challenge = _srp_challenges(self).pop(block, None)
        if challenge is None or not challenge.proves_password(challenge_responses.get("PASSWORD_CLAIM_SIGNATURE"),
                                                              challenge_responses.get("TIMESTAMP") or ""):
            self.sessions.pop(block, None)
            raise NotAuthorizedError("Incorrect username or password.")
    return _moto_respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses)


_clock_offset = 0.0


def _now() -> float:
    return time.time() + _clock_offset


def _scans(backend: ECRBackend) -> dict:
    # Kept on the backend so that moto's reset forgets them with everything else.
    if not hasattr(backend, "cruddur_scans"):
        backend.cruddur_scans = {}
    return backend.cruddur_scans


def _json_body(request, headers) -> dict:
    return json.loads(request.environ["wsgi.input"].read(int(headers.get("Content-Length") or 0)) or b"{}")


def publish_scan_result(request, full_url, headers):
    body = _json_body(request, headers)
    backend = ecr_backends[body.get("accountId", DEFAULT_ACCOUNT_ID)][body.get("region", "us-east-1")]
    if body.get("status") not in ("COMPLETE", "FAILED", "UNSUPPORTED_IMAGE"):
        return 400, {}, json.dumps({"error": "status must be COMPLETE, FAILED or UNSUPPORTED_IMAGE"})
    key = (body["repositoryName"], body["imageDigest"])
    _scans(backend)[key] = {**body, "readyAt": _now() + float(body.get("inProgressSeconds", 0))}
    return 201, {}, json.dumps({"published": list(key)})


def advance_clock(request, full_url, headers):
    global _clock_offset
    _clock_offset += float(_json_body(request, headers).get("advanceSeconds", 0))
    return 200, {}, json.dumps({"offset": _clock_offset})


def describe_image_scan_findings(self: ECRBackend, registry_id, repository_name, image_id):
    repository = self._get_repository(repository_name, registry_id)
    image = repository._get_image(image_id.get("imageTag"), image_id.get("imageDigest"))
    published = _scans(self).get((repository_name, image.image_digest))
    if published is None:
        digest, tag = image_id.get("imageDigest") or "null", image_id.get("imageTag") or "null"
        shown = f"{{imageDigest:'{digest}', imageTag:'{tag}'}}"
        raise ScanNotFoundException(image_id=shown, repository_name=repository_name,
                                    registry_id=repository.registry_id)
    tagged = {"imageTag": image.image_tag} if image.image_tag else {}
    answer = {"registryId": repository.registry_id, "repositoryName": repository_name,
              "imageId": {"imageDigest": image.image_digest, **tagged}}
    if _now() < published["readyAt"]:
        return {**answer, "imageScanStatus": {"status": "IN_PROGRESS", "description": "The scan is in progress."}}
    status = published["status"]
    answer["imageScanStatus"] = {"status": status, "description": published.get(
        "description", "The scan was completed successfully." if status == "COMPLETE" else "The scan failed.")}
    if status == "COMPLETE":
        completed = datetime.fromtimestamp(published["readyAt"], timezone.utc)
        findings = published.get("imageScanFindings", {})
        answer["imageScanFindings"] = {"imageScanCompletedAt": completed, "vulnerabilitySourceUpdatedAt": completed,
                                       "findingSeverityCounts": _severity_counts(findings), **findings}
    return answer


def _severity_counts(findings: dict) -> dict:
    counts: dict[str, int] = {}
    for finding in findings.get("findings", []) + findings.get("enhancedFindings", []):
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    return counts


_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_moto_create_jwt = CognitoIdpUserPool.create_jwt


def create_jwt(self: CognitoIdpUserPool, client_id: str, username: str, token_use: str, expires_in: int = 3600,
               extra_data: dict | None = None) -> tuple[str, int]:
    """A token that expires when the app client says (Cognito's defaults: an hour, in hours)."""
    client = self.clients.get(client_id)
    config = client.extended_config if client else {}
    kind = {"access": "AccessToken", "id": "IdToken"}.get(token_use)
    if kind and config.get(f"{kind}Validity"):
        unit = config.get("TokenValidityUnits", {}).get(kind, "hours")
        expires_in = int(config[f"{kind}Validity"]) * _SECONDS[unit]
    return _moto_create_jwt(self, client_id, username, token_use, expires_in, extra_data)


def install() -> None:
    """Teach moto the operations and the scan publishing (idempotent)."""
    CognitoIdpResponse.get_tokens_from_refresh_token = get_tokens_from_refresh_token
    CognitoIdpResponse.resend_confirmation_code = resend_confirmation_code
    CognitoIdpBackend.initiate_auth = initiate_auth
    CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge
    CognitoIdpUserPool.create_jwt = create_jwt
    ECRBackend.describe_image_scan_findings = describe_image_scan_findings
    moto_api_urls.url_paths["{0}/moto-api/cruddur/ecr/scan-results"] = publish_scan_result
    moto_api_urls.url_paths["{0}/moto-api/cruddur/clock"] = advance_clock


def main(argv: list[str] | None = None) -> None:
    install()
    moto_server_main(argv)


if __name__ == "__main__":
    main()
