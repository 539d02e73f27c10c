"""Store, inspect and remove the Upbit API keys."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.credentials.ports import CredentialStatus, CredentialVault
from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair

log = logging.getLogger(__name__)


class SaveApiKeys:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self, access_key: str, secret_key: str) -> CredentialStatus:
        keys = ApiKeyPair(access_key.strip(), secret_key.strip())  # validates before anything is written
        self._vault.save(keys)
        log.info("API keys saved (access key %s)", keys.masked_access_key)
        return self._vault.status()


class GetApiKeyStatus:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self) -> CredentialStatus:
        return self._vault.status()


class DeleteApiKeys:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self) -> bool:
        deleted = self._vault.delete()
        if deleted:
            log.info("API keys deleted")
        return deleted
