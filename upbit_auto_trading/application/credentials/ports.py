"""Port: where the exchange keys are kept (encrypted at rest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair

# Where the key that encrypts the API keys is kept (CredentialStatus.protection).
KEYRING = "keyring"  # a random master key in the operating system's keyring
FILE = "file"  # a random master key in <home>/config/secret.key (no keyring on this machine)
PASSPHRASE = "passphrase"  # derived from a passphrase (scrypt); nothing on disk can open the keys


@dataclass(frozen=True)
class CredentialStatus:
    stored: bool
    masked_access_key: str = ""
    updated_at: datetime | None = None
    readable: bool = True  # False when ciphertext exists but cannot be decrypted here
    # Stored keys: what they were encrypted with. No keys: what `save` without a passphrase would use.
    protection: str = ""
    location: str = ""  # in words: the keyring's name, the key file's path, or the passphrase's parameters
    locked: bool = False  # passphrase-protected and no passphrase given in this process yet
    problem: str = ""  # when not readable: one line saying why and what to do


class CredentialVault(Protocol):
    def save(self, keys: ApiKeyPair, passphrase: str | None = None) -> None: ...
    def load(self) -> ApiKeyPair | None: ...
    def delete(self) -> bool: ...
    def status(self) -> CredentialStatus: ...
    def unlock(self, passphrase: str) -> CredentialStatus: ...
