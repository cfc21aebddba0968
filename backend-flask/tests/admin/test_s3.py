"""bin/s3/create-buckets: the door itself against the emulator, and its refusal outside it."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

from cruddur import avatars_store
from cruddur.admin import cli
from devstack.moto import FAKE_CREDENTIALS

REPO = Path(__file__).resolve().parents[3]


def door(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "bin" / "s3" / "create-buckets")], env=env, capture_output=True, text=True,
                          timeout=60)


def test_the_door_makes_both_buckets_once_with_the_web_apps_upload_rule(aws):
    uploads, avatars = f"up-{uuid.uuid4().hex[:12]}", f"av-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHON": sys.executable, "AVATAR_UPLOADS_BUCKET": uploads, "AVATARS_BUCKET": avatars,
           "FRONTEND_URL": "http://localhost:3000"}
    first, again = door(env), door(env)
    assert (first.returncode, first.stdout) == (0, f"created bucket {uploads} in the local emulator\n"
                                                   f"created bucket {avatars} in the local emulator\n")
    assert (again.returncode, again.stdout) == (0, f"already had bucket {uploads} in the local emulator\n"
                                                   f"already had bucket {avatars} in the local emulator\n")
    s3 = avatars_store.client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], aws.url)
    rules = s3.get_bucket_cors(Bucket=uploads)["CORSRules"]
    assert [(r["AllowedMethods"], r["AllowedOrigins"]) for r in rules] == [(["POST"], ["http://localhost:3000"])]


def test_outside_the_emulator_it_refuses_and_names_the_stack():
    err = io.StringIO()
    code = cli.main(["s3", "create-buckets"], env={"AWS_DEFAULT_REGION": "eu-west-2"}, out=io.StringIO(), err=err)
    assert (code, err.getvalue()) == (1, "bin/s3/create-buckets: AWS_ENDPOINT_URL is not set: this makes the "
                                         "emulator's buckets; in AWS, aws/cfn/avatars makes them "
                                         "(bin/cfn/deploy avatars)\n")
