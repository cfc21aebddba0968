"""AWS clients, built one way for every command.

The endpoint comes from AWS_ENDPOINT_URL when it is set (the local emulator in tests and `make dev`),
exactly as boto3 itself would read it, so production code and tests reach AWS by the same path.
"""
from __future__ import annotations

import os
from functools import cached_property

import boto3
from botocore.config import Config

# Our own waits decide how long to wait; the SDK only retries throttling and transient errors.
_CLIENT_CONFIG = Config(retries={"max_attempts": 5, "mode": "standard"}, user_agent_extra="cruddur-ops")


class Aws:
    """Lazily built clients for one region and (optionally) one endpoint."""

    def __init__(self, region: str, endpoint_url: str | None = None, session: boto3.Session | None = None,
                 clients: dict[str, object] | None = None):
        """`clients` are used as given, in place of building them (tests pass scripted fakes for
        the behaviour the emulator cannot act out)."""
        self.region = region
        self.endpoint_url = endpoint_url
        self._session = session or boto3.Session(region_name=region)
        self._clients: dict[str, object] = dict(clients or {})

    @classmethod
    def from_env(cls, region: str, environ=os.environ) -> Aws:
        return cls(region=region, endpoint_url=environ.get("AWS_ENDPOINT_URL") or None)

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=_CLIENT_CONFIG
            )
        return self._clients[service]

    def __getattr__(self, service: str):
        # aws.ecs, aws.ecr, aws.ssm ... read like the service they reach.
        if service.startswith("_"):
            raise AttributeError(service)
        return self.client(service)

    @cached_property
    def account_id(self) -> str:
        return self.client("sts").get_caller_identity()["Account"]
