"""Avatars in S3: two buckets (design and reasons: docs/infrastructure.md, "Avatars").

    uploads bucket  <user uuid>/<upload uuid>   what a browser sent with a presigned POST; read once by
                                                the API, then deleted (and a short lifecycle deletes the rest)
    avatars bucket  <user uuid>/<sha256>.webp   what the API made of it; never overwritten, so each
                                                picture has its own URL and caches may keep it for a year

This module speaks S3 and nothing else: what may be uploaded, by whom, and what becomes of it is decided in
cruddur.services.avatars. `init_app` builds the app's store; `store()` is it.
"""
from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from cruddur.aws import LazyClient
from cruddur.errors import StoreUnavailable

# A picture's key names its content, so a URL never shows another picture: caches may keep it for good.
AVATAR_CACHE_CONTROL = "public, max-age=31536000, immutable"


class AvatarsUnavailable(StoreUnavailable):
    """S3 could not be reached or refused to serve."""

    event = "s3 unavailable"
    code = "avatars_unavailable"
    message = "Pictures cannot be stored right now; try again shortly."


def client_for(region: str, endpoint_url: str | None = None):
    """An S3 client that gives up quickly, so an outage becomes a 503 rather than a hung worker.

    Path-style addressing on an emulator (its one host serves every bucket). In AWS, the bucket's regional
    host (https://<bucket>.s3.<region>.amazonaws.com, the web app's CSP names it): the global one that
    boto3 would sign POSTs for answers a new bucket outside us-east-1 with a redirect, which a browser's
    cross-origin POST does not follow.
    """
    style = "path" if endpoint_url else "virtual"
    return LazyClient("s3", region, endpoint_url or f"https://s3.{region}.amazonaws.com", connect_timeout=2.0,
                      read_timeout=10.0, retries={"mode": "standard", "total_max_attempts": 2},
                      signature_version="s3v4", s3={"addressing_style": style})


def create_local_buckets(client, uploads_bucket: str, avatars_bucket: str, origins: list[str]) -> list[str]:
    """The two buckets on the local emulator, as aws/cfn/avatars makes them in AWS (the CORS rule that lets
    the web app POST to the uploads bucket included); returns the names it created. Repeatable."""
    created = []
    for bucket in (uploads_bucket, avatars_bucket):
        # asked first: in us-east-1, creating a bucket one already owns succeeds and says nothing
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
                raise
            client.create_bucket(Bucket=bucket)
            created.append(bucket)
    # In AWS only the avatars distribution reads the bucket (aws/cfn/avatars); on the emulator, which has
    # no distribution, browsers read it themselves.
    client.put_bucket_policy(Bucket=avatars_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{avatars_bucket}/*"},
    ]}))
    if origins:
        client.put_bucket_cors(Bucket=uploads_bucket, CORSConfiguration={"CORSRules": [
            {"AllowedMethods": ["POST"], "AllowedOrigins": origins, "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000},
        ]})
    return created


class AvatarsStore:
    def __init__(self, client, uploads_bucket: str, avatars_bucket: str, browser_client=None):
        self.client = client
        self.uploads_bucket = uploads_bucket
        self.avatars_bucket = avatars_bucket
        # Signs the POSTs browsers send; only its endpoint differs, where browsers reach S3 elsewhere than we do.
        self.browser_client = browser_client or client

    def _call(self, operation: str, **kwargs):
        """The call's answer, or None for a key that is not there (which only GetObject reports)."""
        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as e:
            if e.response["Error"]["Code"] == "NoSuchKey":
                return None
            raise AvatarsUnavailable(f"{operation}: {e.response['Error']['Code']}") from e
        except BotoCoreError as e:
            raise AvatarsUnavailable(f"{operation}: {e}") from e

    def presigned_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> dict:
        """A POST a browser may send once, within `expires_in` seconds, to put one file of that content type
        and at most `max_bytes` at `key`; S3 refuses any other key, type or size."""
        return self.browser_client.generate_presigned_post(
            self.uploads_bucket, key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )

    def upload(self, key: str, max_bytes: int) -> bytes | None:
        """The uploaded file's bytes; None when there is none at `key`. Of a file over `max_bytes` (which S3
        itself refuses to take) no more than `max_bytes + 1` bytes are read: enough to know."""
        answer = self._call("get_object", Bucket=self.uploads_bucket, Key=key)
        if answer is None:
            return None
        body = answer["Body"]
        try:
            return body.read(max_bytes + 1)
        except BotoCoreError as e:
            raise AvatarsUnavailable(f"get_object body: {e}") from e
        finally:
            body.close()

    def discard_upload(self, key: str) -> None:
        self._call("delete_object", Bucket=self.uploads_bucket, Key=key)

    def put_avatar(self, key: str, body: bytes, content_type: str) -> None:
        self._call("put_object", Bucket=self.avatars_bucket, Key=key, Body=body, ContentType=content_type,
                   CacheControl=AVATAR_CACHE_CONTROL)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    client = client_for(settings.region, settings.aws_endpoint_url)
    browser = client_for(settings.region, settings.avatar_uploads_endpoint_url) \
        if settings.avatar_uploads_endpoint_url else None
    app.extensions["cruddur.avatars"] = AvatarsStore(client, settings.avatar_uploads_bucket, settings.avatars_bucket,
                                                     browser)


def store() -> AvatarsStore:
    return current_app.extensions["cruddur.avatars"]
