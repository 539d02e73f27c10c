"""Encrypted exchange keys: the master key (OS keyring, else ``<home>/config``), the vault, the use cases."""

from __future__ import annotations

import os
from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.application.credentials.errors import PASSPHRASE_ENV
from upbit_auto_trading.application.credentials.manage_api_keys import (
    DeleteApiKeys,
    GetApiKeyStatus,
    SaveApiKeys,
    UnlockApiKeys,
)
from upbit_auto_trading.infrastructure.secrets.home_master_key import HomeMasterKey
from upbit_auto_trading.infrastructure.secrets.keyring_store import KeyringStore
from upbit_auto_trading.infrastructure.secrets.passphrase_cipher import DEFAULT_SCRYPT_N
from upbit_auto_trading.infrastructure.secrets.sqlite_credential_vault import SqliteCredentialVault


def passphrase_from_environment() -> str | None:
    """``UPBIT_AUTO_TRADING_PASSPHRASE``, for runs without a terminal (a service, a scheduled job)."""
    return os.environ.get(PASSPHRASE_ENV) or None


def _config_dir(paths: Any) -> Any:
    return paths.config_dir


class SecretsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    keyring = providers.Singleton(KeyringStore)
    master_key = providers.Singleton(
        HomeMasterKey, config_dir=providers.Callable(_config_dir, core.app_paths), keyring=keyring
    )
    # The scrypt cost of new passphrases; tests override it with a lower one to stay fast.
    scrypt_n = providers.Object(DEFAULT_SCRYPT_N)
    vault = providers.Singleton(
        SqliteCredentialVault,
        session=core.database_session,
        master_key=master_key,
        passphrase_from_environment=providers.Object(passphrase_from_environment),
        scrypt_n=scrypt_n,
    )
    save_api_keys = providers.Factory(SaveApiKeys, vault=vault)
    get_api_key_status = providers.Factory(GetApiKeyStatus, vault=vault)
    unlock_api_keys = providers.Factory(UnlockApiKeys, vault=vault)
    delete_api_keys = providers.Factory(DeleteApiKeys, vault=vault)
