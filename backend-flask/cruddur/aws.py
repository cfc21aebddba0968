"""AWS clients the API builds on first use, not at start: boto3 and botocore's configuration weigh about
10 MiB and a third of the API's import time in every worker, and most requests never call AWS
(docs/api.md, "Start-up and memory"). Errors are caught as botocore.exceptions' classes, which are light."""
from __future__ import annotations

import threading

_lock = threading.Lock()


class LazyClient:
    """A boto3 client made the first time one of its operations is looked up, then used as it is."""

    def __init__(self, service: str, region: str, endpoint_url: str | None, **config):
        self._args, self._client = (service, region, endpoint_url, config), None

    def __getattr__(self, name: str):
        if self._client is None:
            with _lock:  # boto3's default session is not safe to share between threads while building clients
                if self._client is None:
                    import boto3
                    from botocore.config import Config
                    service, region, endpoint_url, config = self._args
                    self._client = boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                                                config=Config(**config))
        return getattr(self._client, name)
