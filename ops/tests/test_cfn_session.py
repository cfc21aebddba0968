"""Sign-out means out within five minutes: the data stack's app client issues five-minute access and ID
tokens and revokes refresh tokens on sign-out, and the local emulator's client (devstack.cognito) says the
same, so `make dev` runs the web app's refresh path as production does."""
from cruddur_ops import cfn_template
from devstack import cognito


def test_the_app_client_bounds_a_signed_out_session_to_five_minutes(repo_root):
    client = cfn_template.load(repo_root / "aws/cfn/data/template.yaml")["Resources"]["UserPoolClient"]["Properties"]
    assert (client["AccessTokenValidity"], client["IdTokenValidity"]) == (5, 5)
    assert client["TokenValidityUnits"]["AccessToken"] == client["TokenValidityUnits"]["IdToken"] == "minutes"
    assert client["EnableTokenRevocation"] is True
    assert "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"]
    assert client["AccessTokenValidity"] == cognito.ACCESS_TOKEN_MINUTES
