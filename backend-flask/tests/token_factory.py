"""Test keys, hand-made JWTs and a real HTTP key-set endpoint for the token verifier's tests.

Tokens are assembled byte by byte (not through a JWT library) so a test can build exactly the broken
token it wants: any header, any payload, any signature.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

REGION = "us-east-1"
POOL_ID = "us-east-1_TestPool1"
CLIENT_ID = "testclient0123456789abcdef"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def b64url(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class KeyPair:
    kid: str
    bits: int = 2048
    private: rsa.RSAPrivateKey = field(init=False)

    def __post_init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=self.bits)

    def public_jwk(self, **overrides: Any) -> dict:
        numbers = self.private.public_key().public_numbers()
        return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e), **overrides}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, signing_input: bytes, algorithm: hashes.HashAlgorithm | None = None,
             pss: bool = False) -> bytes:
        algorithm = algorithm or hashes.SHA256()
        pad = (padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size) if pss
               else padding.PKCS1v15())
        return self.private.sign(signing_input, pad, algorithm)


def access_claims(now: float, **overrides: Any) -> dict:
    """Claims of a Cognito access token issued at `now`; None in `overrides` drops a claim."""
    claims = {
        "sub": "0f5c2c9e-6a55-4bb5-9c1b-2f4d4fdbd7a1",
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "origin_jti": "7a0e5a8c-9f44-4b8f-8d57-8e3b2f4c6a10",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": int(now),
        "iat": int(now),
        "exp": int(now) + 3600,
        "jti": "1f0b8f7e-3f3c-4a7e-9d0a-5b6c7d8e9f00",
        "username": "0f5c2c9e-6a55-4bb5-9c1b-2f4d4fdbd7a1",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def segment(value: Any) -> str:
    """A JSON value (or raw text) as a base64url token segment."""
    return b64url(value if isinstance(value, (str, bytes)) else json.dumps(value))


def rs256(key: KeyPair, header: Any, payload: Any) -> str:
    signing_input = f"{segment(header)}.{segment(payload)}"
    return f"{signing_input}.{b64url(key.sign(signing_input.encode('ascii')))}"


def hs256(secret: bytes, header: Any, payload: Any) -> str:
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def unsigned(header: Any, payload: Any, signature: str = "") -> str:
    return f"{segment(header)}.{segment(payload)}.{signature}"


class JwksServer:
    """A key-set endpoint on 127.0.0.1: serves `document`, counts requests, can be told to fail."""

    def __init__(self, document: dict):
        self.reset(document)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                body = server.body_override or json.dumps(server.document).encode()
                self.send_response(server.status)
                for name, value in {"Content-Type": "application/json", **server.extra_headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def reset(self, document: dict) -> None:
        self.document = document
        self.status = 200
        self.extra_headers: dict[str, str] = {}
        self.body_override: bytes | None = None
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{POOL_ID}/.well-known/jwks.json"

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
