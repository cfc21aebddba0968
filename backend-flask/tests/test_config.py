"""The factory and its settings: production refuses to start on unsafe values and names them."""
import pytest

from cruddur import create_app
from cruddur.config import Settings, SettingsError

SAFE_PRODUCTION = {
    "CRUDDUR_ENV": "production",
    "CONNECTION_URL": "postgresql://cruddur:pw@db.internal:5432/cruddur",
    "FRONTEND_URL": "https://cruddur.example",
    "BACKEND_URL": "https://api.cruddur.example",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_COGNITO_USER_POOL_ID": "eu-west-2_AbCdEf123",
    "AWS_COGNITO_USER_POOL_CLIENT_ID": "5abc7defgh",
    "AVATARS_URL": "https://avatars.cruddur.example",
}


def test_safe_production_settings_are_accepted():
    settings = Settings.from_env(SAFE_PRODUCTION)
    assert settings.issuer == "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123"
    assert settings.cors_origins == ["https://cruddur.example", "https://api.cruddur.example"]


@pytest.mark.parametrize("change, named", [
    ({"AWS_COGNITO_USER_POOL_ID": ""}, "AWS_COGNITO_USER_POOL_ID"),
    ({"AWS_COGNITO_USER_POOL_CLIENT_ID": ""}, "AWS_COGNITO_USER_POOL_CLIENT_ID"),
    ({"AWS_COGNITO_USER_POOL_CLIENT_ID": " , "}, "AWS_COGNITO_USER_POOL_CLIENT_ID"),
    ({"FRONTEND_URL": "*"}, "FRONTEND_URL"),
    ({"BACKEND_URL": "*"}, "BACKEND_URL"),
    ({"FRONTEND_URL": ""}, "FRONTEND_URL"),
    ({"AWS_ENDPOINT_URL": "http://aws-local:5005"}, "AWS_ENDPOINT_URL"),
    ({"AWS_COGNITO_JWKS_URL": "http://127.0.0.1:5005/eu-west-2_AbCdEf123/.well-known/jwks.json"},
     "AWS_COGNITO_JWKS_URL"),
    ({"AWS_COGNITO_JWKS_URL": "https://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json"},
     "AWS_COGNITO_JWKS_URL"),
    ({"AWS_COGNITO_JWKS_URL": "https://cognito-idp.eu-west-2.amazonaws.com.evil.example/jwks.json"},
     "AWS_COGNITO_JWKS_URL"),
    ({"AWS_COGNITO_JWKS_URL": "http://cognito-idp.eu-west-2.amazonaws.com/x/.well-known/jwks.json"},
     "AWS_COGNITO_JWKS_URL"),
    ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
    ({"AVATARS_URL": ""}, "AVATARS_URL"),
    ({"AVATARS_URL": "http://avatars.cruddur.example"}, "AVATARS_URL"),
    ({"AVATAR_UPLOADS_ENDPOINT_URL": "http://localhost:5005"}, "AVATAR_UPLOADS_ENDPOINT_URL"),
    ({"CONNECTION_URL": ""}, "CONNECTION_URL"),
])
def test_unsafe_production_settings_refuse_to_start(change, named):
    with pytest.raises(SettingsError, match=named):
        create_app({**SAFE_PRODUCTION, **change})


def test_real_cognito_jwks_url_is_allowed_in_production():
    url = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123/.well-known/jwks.json"
    assert Settings.from_env({**SAFE_PRODUCTION, "AWS_COGNITO_JWKS_URL": url}).jwks_url == url


@pytest.mark.parametrize("change, named", [
    ({"CRUDDUR_ENV": "staging"}, "CRUDDUR_ENV"),
    ({"FRONTEND_URL": "cruddur.example"}, "FRONTEND_URL"),
    ({"BACKEND_URL": "https://api.cruddur.example/api"}, "BACKEND_URL"),
    ({"DB_POOL_MAX_SIZE": "many"}, "DB_POOL_MAX_SIZE"),
    ({"AVATARS_URL": "avatars.cruddur.example"}, "AVATARS_URL"),
    ({"AVATARS_URL": "https://avatars.cruddur.example/?v=1"}, "AVATARS_URL"),
    ({"AVATAR_UPLOADS_ENDPOINT_URL": "localhost:5005"}, "AVATAR_UPLOADS_ENDPOINT_URL"),
])
def test_malformed_settings_are_refused_in_any_environment(change, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env({**SAFE_PRODUCTION, "CRUDDUR_ENV": "development", **change})


def test_development_allows_emulator_and_missing_pool():
    settings = Settings.from_env({"CONNECTION_URL": "postgresql://localhost/cruddur",
                                  "AWS_ENDPOINT_URL": "http://127.0.0.1:5005", "FRONTEND_URL": "*"})
    assert (settings.env, settings.aws_endpoint_url, settings.user_pool_id) == \
        ("development", "http://127.0.0.1:5005", "")


def test_malformed_pool_id_refuses_to_start(database_url):
    with pytest.raises(SettingsError, match="AWS_COGNITO_USER_POOL_ID"):
        create_app({"CONNECTION_URL": database_url, "AWS_COGNITO_USER_POOL_ID": "not-a-pool",
                    "AWS_COGNITO_USER_POOL_CLIENT_ID": "abc"})


def test_factory_serves_with_settings_from_a_mapping(database_url):
    app = create_app({"CONNECTION_URL": database_url, "CRUDDUR_ENV": "test"})
    try:
        assert app.test_client().get("/api/health-check").json == {"success": True}
        assert app.config["SETTINGS"].env == "test"
    finally:
        app.extensions["cruddur.db"].close()
