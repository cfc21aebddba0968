"""Avatars: the presigned upload, the avatar the API makes of it, and where the avatar then shows.

Uploads go to the emulator's S3 over HTTP, as a browser's would. moto does not enforce a presigned POST's
conditions (it stores whatever key, type and size is sent), so the tests read the signed policy itself for
what S3 would refuse, and put files past those limits straight into the bucket for what the API refuses.
"""
from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from PIL import Image, ImageCms

from cruddur import avatars_store
from cruddur.budgets import BUDGETS
from cruddur.services import avatars
from devstack.moto import FAKE_CREDENTIALS
from helpers import post_crud

REGION = FAKE_CREDENTIALS["AWS_DEFAULT_REGION"]


@pytest.fixture
def s3(aws):
    return avatars_store.client_for(REGION, aws.url)


def start(client, auth, handle="bayko", content_type="image/jpeg"):
    return client.post("/api/profile/avatar/uploads", json={"content_type": content_type},
                       headers=auth.headers(handle))


def upload(post: dict, data: bytes, content_type="image/jpeg") -> None:
    """What the web app does with the presigned POST: the fields, then the file, as multipart/form-data."""
    r = requests.post(post["url"], data=post["fields"], files={"file": ("picture", data, content_type)}, timeout=10)
    assert r.status_code in (200, 201, 204), r.text


def complete(client, auth, upload_uuid, handle="bayko"):
    return client.post("/api/profile/avatar", json={"upload_uuid": upload_uuid}, headers=auth.headers(handle))


def picture(fmt="JPEG", size=(600, 400), colour=(200, 30, 60), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt != "JPEG" else "RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()


def photo_with_metadata() -> bytes:
    """A JPEG as phones write it: EXIF (a GPS position, the camera, an orientation), an ICC profile, a comment."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned; shown upright by rotating 90° clockwise
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return picture(size=(800, 400), exif=exif.tobytes(), icc_profile=icc, comment=b"at home")


def upload_keys(s3, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def signed_policy(post: dict) -> dict:
    return json.loads(base64.b64decode(post["fields"]["policy"]))


def test_the_presigned_post_is_limited_to_the_callers_own_key_one_type_and_five_mib(client, auth, db, settings):
    r = start(client, auth, content_type="image/png")
    assert r.status_code == 201, r.json
    caller = client.get("/api/me", headers=auth.headers("bayko")).json
    key = f"{caller['uuid']}/{r.json['upload_uuid']}"
    assert r.json["url"] == f"{settings.aws_endpoint_url}/{settings.avatar_uploads_bucket}"
    assert (r.json["fields"]["key"], r.json["fields"]["Content-Type"]) == (key, "image/png")
    assert (r.json["max_bytes"], r.json["expires_in"]) == (5 * 1024 * 1024, 300)
    policy = signed_policy(r.json)
    assert {"bucket": settings.avatar_uploads_bucket} in policy["conditions"]
    assert {"key": key} in policy["conditions"], "an exact key: no prefix the browser could extend"
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert timedelta(0) < expires - datetime.now(timezone.utc) <= timedelta(seconds=300)


def test_an_uploaded_photo_becomes_a_256_pixel_webp_of_its_pixels_alone(client, auth, db, s3, settings):
    post = start(client, auth).json
    upload(post, photo_with_metadata())

    r = complete(client, auth, post["upload_uuid"])

    assert r.status_code == 200, r.json
    url = r.json["avatar_url"]
    assert url.startswith(f"{settings.avatars_url}/{r.json['uuid']}/") and url.endswith(".webp")
    served = requests.get(url, timeout=10)
    assert (served.headers["Content-Type"], served.headers["Cache-Control"]) == \
        ("image/webp", "public, max-age=31536000, immutable")
    with Image.open(io.BytesIO(served.content)) as avatar:
        assert (avatar.format, avatar.size, avatar.mode) == ("WEBP", (256, 256), "RGB")
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(avatar.info), avatar.info
        assert len(avatar.getexif()) == 0
    assert upload_keys(s3, settings.avatar_uploads_bucket) == [], "the upload is deleted once it is used"


def test_the_avatar_shows_on_the_profile_and_beside_every_crud_and_reply(client, auth, db):
    parent = post_crud(client, auth, "londo", "londo's crud")
    post_crud(client, auth, "bayko", "bayko's crud")
    post = start(client, auth).json
    upload(post, picture())
    url = complete(client, auth, post["upload_uuid"]).json["avatar_url"]
    reply = client.post(f"/api/activities/{parent['uuid']}/reply", json={"message": "hi"},
                        headers=auth.headers("bayko")).json

    home = client.get("/api/activities/home").json["items"]
    assert [(a["handle"], a["avatar_url"]) for a in home] == [("bayko", url), ("londo", None)]
    profile = client.get("/api/activities/@bayko").json
    assert profile["profile"]["avatar_url"] == url and [a["avatar_url"] for a in profile["items"]] == [url]
    shown = client.get(f"/api/activities/@londo/status/{parent['uuid']}").json
    assert (shown["activity"]["avatar_url"], [r["avatar_url"] for r in shown["replies"]]) == (None, [url])
    assert reply["avatar_url"] == url
    assert client.get("/api/activities/search?term=crud").json["items"][0]["avatar_url"] == url
    assert client.get("/api/users/@bayko/short").json["avatar_url"] == url
    assert client.get("/api/me", headers=auth.headers("bayko")).json["avatar_url"] == url


def test_a_new_picture_gets_a_new_url(client, auth, db):
    urls = []
    for colour in ((255, 0, 0), (0, 0, 255)):
        post = start(client, auth, content_type="image/png").json
        upload(post, picture("PNG", colour=colour), "image/png")
        urls.append(complete(client, auth, post["upload_uuid"]).json["avatar_url"])
    assert urls[0] != urls[1]
    assert requests.get(urls[0], timeout=10).status_code == 200, "an old URL a cache still holds keeps working"


def test_transparency_is_kept_and_the_middle_is_what_remains(client, auth, db):
    wide = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    wide.paste((0, 128, 0, 255), (100, 0, 200, 100))  # an opaque green square in the middle
    out = io.BytesIO()
    wide.save(out, "WEBP", lossless=True)
    post = start(client, auth, content_type="image/webp").json
    upload(post, out.getvalue(), "image/webp")
    url = complete(client, auth, post["upload_uuid"]).json["avatar_url"]
    with Image.open(io.BytesIO(requests.get(url, timeout=10).content)) as avatar:
        assert avatar.mode == "RGBA"
        assert avatar.getpixel((128, 128))[3] == 255 and avatar.getpixel((128, 128))[1] > 100


@pytest.mark.parametrize("data, status, code", [
    (b"#!/bin/sh\necho not a picture\n", 400, "avatar_unreadable"),
    (picture("GIF"), 400, "avatar_unreadable"),
    (picture()[:300], 400, "avatar_unreadable"),
    (picture("PNG", size=(4097, 4096), colour=(0, 0, 0, 255)), 400, "avatar_too_many_pixels"),
    (b"\xff" * (5 * 1024 * 1024 + 1), 413, "avatar_too_large"),
], ids=["script", "gif", "truncated", "too-many-pixels", "over-5-mib"])
def test_what_is_not_a_picture_within_the_limits_is_refused_and_deleted(client, auth, db, s3, settings,
                                                                        data, status, code):
    post = start(client, auth).json
    # straight into the bucket: S3 itself would refuse the oversized one, moto takes it
    s3.put_object(Bucket=settings.avatar_uploads_bucket, Key=post["fields"]["key"], Body=data)

    r = complete(client, auth, post["upload_uuid"])

    assert (r.status_code, r.json["error"]["code"]) == (status, code)
    assert upload_keys(s3, settings.avatar_uploads_bucket) == []
    assert client.get("/api/me", headers=auth.headers("bayko")).json["avatar_url"] is None


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 20000 × 20000 pixels of one colour compress to a few hundred KiB, and would take 1.6 GB decoded
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    assert len(out.getvalue()) < avatars.MAX_UPLOAD_BYTES
    with pytest.raises(avatars.Invalid) as refused:
        avatars.remake(out.getvalue())
    assert refused.value.code == "avatar_too_many_pixels"


def test_nobody_can_complete_another_persons_upload(client, auth, db, s3, settings):
    post = start(client, auth, "bayko").json
    upload(post, picture())

    r = complete(client, auth, post["upload_uuid"], handle="londo")

    assert (r.status_code, r.json["error"]["code"]) == (404, "upload_not_found")
    assert upload_keys(s3, settings.avatar_uploads_bucket) == [post["fields"]["key"]], "bayko's upload is untouched"
    assert client.get("/api/me", headers=auth.headers("londo")).json["avatar_url"] is None
    assert complete(client, auth, post["upload_uuid"], handle="bayko").status_code == 200


@pytest.mark.parametrize("upload_uuid", ["not-a-uuid", str(uuid.uuid4()), "../bayko"])
def test_an_unknown_upload_is_not_found(client, auth, db, upload_uuid):
    r = complete(client, auth, upload_uuid)
    assert (r.status_code, r.json["error"]["code"]) == (404, "upload_not_found")


@pytest.mark.parametrize("body, code", [
    ({"content_type": "image/gif"}, "content_type_unsupported"),
    ({"content_type": "image/svg+xml"}, "content_type_unsupported"),
    ({"content_type": "image/jpeg; charset=utf-8"}, "content_type_unsupported"),
    ({}, "missing_field"),
    ({"content_type": 1}, "wrong_type"),
])
def test_bad_upload_requests_are_refused_and_spend_nothing(client, auth, db, body, code):
    r = client.post("/api/profile/avatar/uploads", json=body, headers=auth.headers("bayko"))
    assert (r.status_code, r.json["error"]["code"]) == (400, code)
    assert db.object("budgets/whole_at", user_uuid=client.get("/api/me", headers=auth.headers("bayko")).json["uuid"],
                     action="avatar") is None


def test_uploads_have_a_budget(client, auth, db, clock):
    for _ in range(BUDGETS["avatar"].count):
        assert start(client, auth).status_code == 201
    over = start(client, auth)
    assert (over.status_code, over.json["error"]["code"]) == (429, "rate_limited")
    assert "Too many avatar uploads: 10 per 1 hour." in over.json["error"]["message"]


def test_both_routes_need_a_signed_in_caller(client):
    for path, body in (("/api/profile/avatar/uploads", {"content_type": "image/png"}),
                       ("/api/profile/avatar", {"upload_uuid": str(uuid.uuid4())})):
        r = client.post(path, json=body)
        assert (r.status_code, r.json["error"]["code"]) == (401, "unauthorized")


def test_without_avatars_url_the_routes_say_avatars_are_not_set_up(settings, auth, db):
    from cruddur import create_app
    client = create_app(settings.replace(avatars_url=None)).test_client()
    for r in (start(client, auth), complete(client, auth, str(uuid.uuid4()))):
        assert (r.status_code, r.json["error"]["code"]) == (503, "avatars_unavailable")


def test_an_s3_outage_is_a_503_and_the_rest_of_the_api_serves(app, client, auth, db, log_lines):
    dead = avatars_store.client_for(REGION, "http://127.0.0.1:9")
    app.extensions["cruddur.avatars"] = avatars_store.AvatarsStore(dead, "uploads", "avatars")
    post = start(client, auth)
    assert post.status_code == 201, "signing a POST needs no call to S3"
    r = complete(client, auth, post.json["upload_uuid"])
    assert (r.status_code, r.json["error"]["code"]) == (503, "avatars_unavailable")
    assert any(line.get("message") == "s3 unavailable" for line in log_lines())
    assert client.get("/api/activities/home").status_code == 200


def test_in_aws_browsers_post_to_the_buckets_regional_host():
    # the global host redirects POSTs to a new bucket outside us-east-1, and browsers do not follow
    store = avatars_store.AvatarsStore(avatars_store.client_for("eu-west-2"), "cruddur-prod-avatar-uploads", "x")
    post = store.presigned_post("u/p", "image/png", 10, 60)
    assert post["url"] == "https://cruddur-prod-avatar-uploads.s3.eu-west-2.amazonaws.com/"
