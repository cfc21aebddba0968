"""Avatars: a person uploads a picture straight to S3 with a POST the API signed, then the API makes the
avatar itself from the picture's pixels alone and records its URL on the person.

Nothing a browser sends is ever served: the upload sits in its own bucket under a key only its owner was
given (<user uuid>/<upload uuid>), is decoded here within fixed limits, and what is served is a fresh
256×256 WebP encoded here, with no metadata (EXIF with its GPS position, ICC profiles, comments).
"""
from __future__ import annotations

import hashlib
import io
import threading
import uuid
import warnings
from datetime import datetime

from cruddur import budgets
from cruddur.errors import Invalid, NotFound, TooLarge, Unavailable
from cruddur.services import users

# What browsers may upload, as the POST's Content-Type, and the decoder each one names: only these three
# decoders ever see an upload, however its bytes begin.
UPLOAD_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# 4096 × 4096: a phone's 12-megapixel photo fits; decoding one takes at most 64 MiB (RGBA).
MAX_PIXELS = 4096 * 4096
UPLOAD_SECONDS = 300
SIDE = 256
WEBP_QUALITY = 85
# One decode at a time per process, so eight threads given eight large pictures hold one picture's memory.
_DECODING = threading.Lock()


def _configured(avatars_url: str | None) -> str:
    if not avatars_url:
        raise Unavailable("avatars_unavailable", "Avatars are not set up on this server (AVATARS_URL).")
    return avatars_url


def upload_key(user_uuid, upload_uuid: str) -> str:
    return f"{user_uuid}/{upload_uuid}"


def start_upload(store, db, user: dict, content_type: str, avatars_url: str | None, now: datetime) -> dict:
    """A presigned POST for one picture of `content_type`, to a key of the caller's own."""
    _configured(avatars_url)
    if content_type not in UPLOAD_TYPES:
        raise Invalid("content_type_unsupported", "Upload a JPEG, PNG or WebP picture.")
    budgets.spend(db, user["uuid"], "avatar", now)
    upload = str(uuid.uuid4())
    post = store.presigned_post(upload_key(user["uuid"], upload), content_type, MAX_UPLOAD_BYTES, UPLOAD_SECONDS)
    return {"upload_uuid": upload, "url": post["url"], "fields": post["fields"], "max_bytes": MAX_UPLOAD_BYTES,
            "expires_in": UPLOAD_SECONDS}


def complete(store, db, user: dict, upload_uuid: str, avatars_url: str | None, now: datetime) -> dict:
    """Make the caller's avatar from their upload, record its URL and answer their profile. The upload is
    deleted whatever became of it."""
    base = _configured(avatars_url)
    try:
        key = upload_key(user["uuid"], str(uuid.UUID(upload_uuid)))
    except ValueError:
        raise _no_upload() from None
    data = store.upload(key, MAX_UPLOAD_BYTES)
    if data is None:
        raise _no_upload()
    try:
        avatar = remake(data)
    finally:
        store.discard_upload(key)
    avatar_key = f"{user['uuid']}/{hashlib.sha256(avatar).hexdigest()}.webp"
    store.put_avatar(avatar_key, avatar, "image/webp")
    changed = db.commit("users/set_avatar", uuid=user["uuid"], avatar_url=f"{base}/{avatar_key}")
    return users.profile(db, changed["handle"], now)


def _no_upload() -> NotFound:
    return NotFound("upload_not_found", "No upload of yours has that id (each is made into an avatar once): "
                                        "choose the picture again.")


def remake(data: bytes) -> bytes:
    """A SIDE×SIDE WebP of the picture in `data`, cropped to the middle, upright, made of its pixels alone."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge("avatar_too_large", f"A picture may be {MAX_UPLOAD_BYTES // (1024 * 1024)} MB at most.")
    # Pillow loads with the first avatar, not in every worker at start (docs/api.md, "Start-up and memory")
    from PIL import Image, ImageOps
    with _DECODING, warnings.catch_warnings():
        # Pillow's own bomb check warns first and refuses only at twice its limit: refuse at once.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(UPLOAD_TYPES.values())) as picture:
                if picture.width * picture.height > MAX_PIXELS:
                    raise _too_many_pixels()
                picture.draft("RGB", (SIDE, SIDE))  # a JPEG decodes at the smallest scale still ≥ SIDE
                upright = ImageOps.exif_transpose(picture)
                mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
                fitted = ImageOps.fit(upright.convert(mode), (SIDE, SIDE), Image.Resampling.LANCZOS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise Invalid("avatar_unreadable", "That file is not a JPEG, PNG or WebP picture we can read.") from None
    # A new image holds the pixels and nothing of the upload's info (EXIF, ICC profile, comments, XMP).
    clean = Image.new(mode, (SIDE, SIDE))
    clean.paste(fitted)
    out = io.BytesIO()
    clean.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _too_many_pixels() -> Invalid:
    return Invalid("avatar_too_many_pixels", f"A picture may be {MAX_PIXELS // 1_000_000} megapixels at most.")
