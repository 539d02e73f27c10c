"""Keys protected by a passphrase: a Fernet key derived with scrypt, its salt and cost stored with the
ciphertext.

Each stored value is ``uat-scrypt1$<log2 n>$<r>$<p>$<salt, base64url>$<Fernet token>``. Everything needed
to open it except the passphrase travels with the ciphertext, so a backup restored on another machine
opens with the passphrase alone, and nothing on any disk opens it without.
"""

from __future__ import annotations

import base64
import os
import unicodedata
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

PREFIX = b"uat-scrypt1$"
DEFAULT_SCRYPT_N = 2**15  # about 0.1 s and 32 MiB per derivation (r=8): slow for a guesser, quick for a user
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
# Bounds for what a stored value may ask for, so a damaged or hostile row cannot demand gigabytes of
# memory: 2**20 * 128 * 8 bytes is 1 GiB, the most a derivation may take.
_MAX_LOG_N = 20
_MAX_R = 8
_MAX_P = 4


@dataclass(frozen=True)
class ScryptParams:
    salt: bytes
    log_n: int
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @classmethod
    def new(cls, n: int = DEFAULT_SCRYPT_N) -> ScryptParams:
        if n < 2 or n & (n - 1) or n > 2**_MAX_LOG_N:
            raise ValueError(f"scrypt n must be a power of two from 2 to 2**{_MAX_LOG_N}")
        return cls(os.urandom(SALT_BYTES), n.bit_length() - 1)

    def describe(self) -> str:
        return f"a passphrase (scrypt n=2^{self.log_n}, r={self.r}, p={self.p}; its salt is stored with the keys)"


def derive(passphrase: str, params: ScryptParams) -> Fernet:
    # NFC: the same passphrase typed on macOS (decomposed Hangul) and on Windows (composed) must match.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = Scrypt(salt=params.salt, length=32, n=2**params.log_n, r=params.r, p=params.p)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(secret)))


def is_sealed(value: bytes) -> bool:
    return bytes(value).startswith(PREFIX)


def seal(token: bytes, params: ScryptParams) -> bytes:
    salt = base64.urlsafe_b64encode(params.salt).rstrip(b"=")
    return b"$".join([PREFIX.rstrip(b"$"), b"%d" % params.log_n, b"%d" % params.r, b"%d" % params.p, salt, token])


def unseal(value: bytes) -> tuple[ScryptParams, bytes]:
    """(params, Fernet token) of a stored value; ValueError when it is not a well-formed sealed value."""
    parts = bytes(value).split(b"$")
    if len(parts) != 6 or parts[0] + b"$" != PREFIX:
        raise ValueError("not a passphrase-sealed value")
    log_n, r, p = (int(x) for x in parts[1:4])
    if not (1 <= log_n <= _MAX_LOG_N and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        raise ValueError("scrypt parameters out of range")
    salt = base64.urlsafe_b64decode(parts[4] + b"=" * (-len(parts[4]) % 4))
    if len(salt) < 8:
        raise ValueError("salt too short")
    return ScryptParams(salt, log_n, r, p), parts[5]
