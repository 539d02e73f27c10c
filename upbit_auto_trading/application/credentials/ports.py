"""Port: where the exchange keys are kept (encrypted at rest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair


@dataclass(frozen=True)
class CredentialStatus:
    stored: bool
    masked_access_key: str = ""
    updated_at: datetime | None = None
    readable: bool = True  # False when ciphertext exists but cannot be decrypted (the master key changed)


class CredentialVault(Protocol):
    def save(self, keys: ApiKeyPair) -> None: ...
    def load(self) -> ApiKeyPair | None: ...
    def delete(self) -> bool: ...
    def status(self) -> CredentialStatus: ...
