"""Encrypted exchange keys."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.credentials.manage_api_keys import (
    DeleteApiKeys,
    GetApiKeyStatus,
    SaveApiKeys,
)
from upbit_auto_trading.infrastructure.secrets.sqlite_credential_vault import SqliteCredentialVault


class SecretsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    vault = providers.Singleton(
        SqliteCredentialVault,
        session=core.database_session,
        master_key_path=providers.Callable(lambda paths: paths.config_dir / "secret.key", core.app_paths),
    )
    save_api_keys = providers.Factory(SaveApiKeys, vault=vault)
    get_api_key_status = providers.Factory(GetApiKeyStatus, vault=vault)
    delete_api_keys = providers.Factory(DeleteApiKeys, vault=vault)
