"""The server's half of Cognito's SRP sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER), for the local emulator.

moto answers the challenge with random numbers and accepts any proof, so a wrong password signs in. The
emulator knows each user's password, so it can play Cognito's part for real: SRP-6a over the 3072-bit
group of RFC 5054 with SHA-256, and Cognito's own choices on top, as its clients (aws-amplify v6's
`AuthenticationHelper`, `getSignatureString`) compute them:

- numbers are hashed as "padded hex": even length, with a 00 byte in front when the top bit is set;
- x = H(salt | H(pool name | user id for SRP | ":" | password)), the pool name being the part of the pool
  id after the "_";
- the key is HKDF-SHA256 of S with u as salt and "Caldera Derived Key" as info, 16 bytes;
- the proof is base64(HMAC-SHA256(key, pool name | user id | secret block bytes | timestamp)).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)
G = 2
INFO = b"Caldera Derived Key\x01"


def padded_hex(n: int) -> str:
    text = format(n, "x")
    if len(text) % 2:
        text = "0" + text
    return "00" + text if text[0] in "89abcdef" else text


def hash_of_hex(*hexes: str) -> int:
    return int(hashlib.sha256(bytes.fromhex("".join(hexes))).hexdigest(), 16)


K = hash_of_hex(padded_hex(N), padded_hex(G))


def pool_name(user_pool_id: str) -> str:
    return user_pool_id.split("_", 1)[1]


def private_x(pool: str, user_id: str, password: str, salt: int) -> int:
    inner = hashlib.sha256(f"{pool}{user_id}:{password}".encode()).hexdigest()
    return hash_of_hex(padded_hex(salt), inner)


def scrambler(a_public: int, b_public: int) -> int:
    return hash_of_hex(padded_hex(a_public), padded_hex(b_public))


def derived_key(shared: int, u: int) -> bytes:
    prk = hmac.new(bytes.fromhex(padded_hex(u)), bytes.fromhex(padded_hex(shared)), hashlib.sha256).digest()
    return hmac.new(prk, INFO, hashlib.sha256).digest()[:16]


def signature(key: bytes, pool: str, user_id: str, secret_block: str, timestamp: str) -> str:
    message = pool.encode() + user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Challenge:
    """One PASSWORD_VERIFIER challenge as the server keeps it until the proof arrives."""

    pool: str
    user_id: str
    a_public: int
    salt: int
    verifier: int
    b_private: int
    b_public: int
    secret_block: str

    @classmethod
    def start(cls, user_pool_id: str, user_id: str, password: str, srp_a: str) -> Challenge:
        """Raises ValueError for an A the protocol refuses (A mod N = 0 would make the key guessable)."""
        a_public = int(srp_a, 16)
        if a_public % N == 0:
            raise ValueError("SRP_A mod N is 0")
        pool = pool_name(user_pool_id)
        salt = secrets.randbits(128)
        verifier = pow(G, private_x(pool, user_id, password, salt), N)
        b_private = secrets.randbits(256)
        b_public = (K * verifier + pow(G, b_private, N)) % N
        secret_block = base64.b64encode(secrets.token_bytes(64)).decode()
        return cls(pool, user_id, a_public, salt, verifier, b_private, b_public, secret_block)

    @property
    def parameters(self) -> dict[str, str]:
        """The challenge parameters Cognito sends for these numbers (besides USERNAME, USER_ID_FOR_SRP)."""
        return {"SALT": format(self.salt, "x"), "SRP_B": format(self.b_public, "x"), "SECRET_BLOCK": self.secret_block}

    def proves_password(self, claimed_signature: str, timestamp: str) -> bool:
        u = scrambler(self.a_public, self.b_public)
        if u == 0:
            return False
        shared = pow(self.a_public * pow(self.verifier, u, N) % N, self.b_private, N)
        expected = signature(derived_key(shared, u), self.pool, self.user_id, self.secret_block, timestamp)
        return hmac.compare_digest(expected, claimed_signature or "")
