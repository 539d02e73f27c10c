"""Store, inspect, unlock and remove the Upbit API keys. Nothing here ever logs a key or a passphrase."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.credentials.passphrase import check_new_passphrase
from upbit_auto_trading.application.credentials.ports import CredentialStatus, CredentialVault
from upbit_auto_trading.domain.credentials.api_key_pair import ApiKeyPair

log = logging.getLogger(__name__)


class SaveApiKeys:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self, access_key: str, secret_key: str, passphrase: str | None = None) -> CredentialStatus:
        keys = ApiKeyPair(access_key.strip(), secret_key.strip())  # validates before anything is written
        if passphrase is not None:
            check_new_passphrase(passphrase)
        self._vault.save(keys, passphrase)
        status = self._vault.status()
        log.info("API keys saved (access key %s, protected by %s)", keys.masked_access_key, status.protection)
        return status


class GetApiKeyStatus:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self) -> CredentialStatus:
        return self._vault.status()


class UnlockApiKeys:
    """Give the passphrase of passphrase-protected keys; raises WrongPassphraseError if it does not fit."""

    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self, passphrase: str) -> CredentialStatus:
        status = self._vault.unlock(passphrase)
        if status.readable and status.protection:
            log.info("API keys unlocked (access key %s)", status.masked_access_key)
        return status


class DeleteApiKeys:
    def __init__(self, vault: CredentialVault) -> None:
        self._vault = vault

    def execute(self) -> bool:
        deleted = self._vault.delete()
        if deleted:
            log.info("API keys deleted")
        return deleted
