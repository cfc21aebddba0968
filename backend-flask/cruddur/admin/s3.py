"""The bin/s3/* command: the avatar buckets on the local emulator.

In AWS the buckets, their policies and the distribution in front of them are aws/cfn/avatars' to make;
here the emulator needs them made for make dev, docker compose and the e2e stack, as the API names them
(AVATAR_UPLOADS_BUCKET, AVATARS_BUCKET).
"""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from cruddur.admin.console import Console, Failure
from cruddur.avatars_store import client_for, create_local_buckets


def create_buckets_command(args, console: Console) -> None:
    settings = console.settings.api
    if not settings.aws_endpoint_url:
        raise Failure("AWS_ENDPOINT_URL is not set: this makes the emulator's buckets; in AWS, "
                      "aws/cfn/avatars makes them (bin/cfn/deploy avatars)")
    try:
        created = create_local_buckets(client_for(settings.region, settings.aws_endpoint_url),
                                       settings.avatar_uploads_bucket, settings.avatars_bucket, settings.cors_origins)
    except (BotoCoreError, ClientError) as e:
        raise Failure(f"S3 in the local emulator refused: {e}") from None
    for bucket in (settings.avatar_uploads_bucket, settings.avatars_bucket):
        state = "created" if bucket in created else "already had"
        print(f"{state} bucket {bucket} in the local emulator", file=console.out)
