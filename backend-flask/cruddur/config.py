"""One Settings object, read from the environment and checked once at start-up.

Production refuses settings that would make the API unsafe, naming the variable, so a bad task
definition fails its first health check instead of serving.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "test", "production")
MAX_BODY_BYTES = 64 * 1024


class SettingsError(ValueError):
    """The environment does not describe a runnable API; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    connection_url: str
    env: str = "development"
    frontend_url: str = ""
    backend_url: str = ""
    region: str = "us-east-1"
    user_pool_id: str = ""
    user_pool_client_ids: tuple[str, ...] = ()
    jwks_url: str | None = None
    aws_endpoint_url: str | None = None
    message_table: str = "cruddur-messages"
    avatar_uploads_bucket: str = "cruddur-avatar-uploads"
    avatars_bucket: str = "cruddur-avatars"
    avatars_url: str | None = None
    avatar_uploads_endpoint_url: str | None = None
    debug: bool = False
    pool_min_size: int = 1
    pool_max_size: int = 10
    # Ready-made clients a test hands in (e.g. extras["dynamodb"]); never read from the environment.
    extras: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Settings:
        settings = cls.read(environ)
        settings.validate()
        return settings

    @classmethod
    def read(cls, environ: dict | None = None) -> Settings:
        """The settings the environment describes, unchecked: for tools that need only a few of them."""
        env = os.environ if environ is None else environ
        clients = tuple(c.strip() for c in env.get("AWS_COGNITO_USER_POOL_CLIENT_ID", "").split(",") if c.strip())
        return cls(
            connection_url=env.get("CONNECTION_URL", ""),
            env=env.get("CRUDDUR_ENV", "development"),
            frontend_url=env.get("FRONTEND_URL", ""),
            backend_url=env.get("BACKEND_URL", ""),
            region=env.get("AWS_DEFAULT_REGION", "us-east-1"),
            user_pool_id=env.get("AWS_COGNITO_USER_POOL_ID", ""),
            user_pool_client_ids=clients,
            jwks_url=env.get("AWS_COGNITO_JWKS_URL") or None,
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            message_table=env.get("DDB_MESSAGE_TABLE") or "cruddur-messages",
            avatar_uploads_bucket=env.get("AVATAR_UPLOADS_BUCKET") or "cruddur-avatar-uploads",
            avatars_bucket=env.get("AVATARS_BUCKET") or "cruddur-avatars",
            avatars_url=(env.get("AVATARS_URL") or "").rstrip("/") or None,
            avatar_uploads_endpoint_url=env.get("AVATAR_UPLOADS_ENDPOINT_URL") or None,
            debug=env.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"),
            pool_min_size=_int(env, "DB_POOL_MIN_SIZE", 1),
            pool_max_size=_int(env, "DB_POOL_MAX_SIZE", 10),
        )

    def replace(self, **changes) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def cors_origins(self) -> list[str]:
        return [o.rstrip("/") for o in (self.frontend_url, self.backend_url) if o]

    def validate(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f"CRUDDUR_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}")
        if not self.connection_url:
            raise SettingsError("CONNECTION_URL is required (postgresql://user:password@host:port/db)")
        for name, origin in (("FRONTEND_URL", self.frontend_url), ("BACKEND_URL", self.backend_url)):
            if origin and origin != "*" and not _is_origin(origin):
                raise SettingsError(f"{name} must be an origin like https://example.com, not {origin!r}")
        for name, url in (("AVATARS_URL", self.avatars_url),
                          ("AVATAR_UPLOADS_ENDPOINT_URL", self.avatar_uploads_endpoint_url)):
            if url and not _is_base_url(url):
                raise SettingsError(f"{name} must be a URL like https://avatars.example.com, not {url!r}")
        if self.pool_min_size < 1 or self.pool_max_size < self.pool_min_size:
            raise SettingsError("DB_POOL_MIN_SIZE must be ≥ 1 and DB_POOL_MAX_SIZE ≥ DB_POOL_MIN_SIZE")
        if self.env == "production":
            self._refuse_unsafe_production()

    def _refuse_unsafe_production(self) -> None:
        problems = []
        if not self.user_pool_id:
            problems.append("AWS_COGNITO_USER_POOL_ID is required")
        if not self.user_pool_client_ids:
            problems.append("AWS_COGNITO_USER_POOL_CLIENT_ID is required")
        for name, origin in (("FRONTEND_URL", self.frontend_url), ("BACKEND_URL", self.backend_url)):
            if origin == "*":
                problems.append(f"{name} must be an exact origin, not '*'")
        if not self.frontend_url:
            problems.append("FRONTEND_URL is required (the browser's origin)")
        if self.aws_endpoint_url:
            problems.append("AWS_ENDPOINT_URL must not be set (it points AWS calls at an emulator)")
        if not self.avatars_url:
            problems.append("AVATARS_URL is required (where browsers read avatars: the avatars distribution)")
        elif urlsplit(self.avatars_url).scheme != "https":
            problems.append("AVATARS_URL must use https")
        if self.avatar_uploads_endpoint_url:
            problems.append("AVATAR_UPLOADS_ENDPOINT_URL must not be set (it sends uploads to an emulator)")
        if self.jwks_url and urlsplit(self.jwks_url).hostname != f"cognito-idp.{self.region}.amazonaws.com":
            problems.append(f"AWS_COGNITO_JWKS_URL must be on cognito-idp.{self.region}.amazonaws.com")
        if self.jwks_url and urlsplit(self.jwks_url).scheme != "https":
            problems.append("AWS_COGNITO_JWKS_URL must use https")
        if self.debug:
            problems.append("FLASK_DEBUG must be off")
        if problems:
            raise SettingsError("unsafe production settings: " + "; ".join(problems))


def _is_origin(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") \
        and not parts.query and not parts.fragment


def _is_base_url(value: str) -> bool:
    """An http(s) URL that a key can be appended to: no query or fragment for it to land after."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.query and not parts.fragment \
        and "#" not in value and "?" not in value


def _int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
