"""What the Settings -> API keys page works with. Filled in by ``container/screens.py``."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.credentials.manage_api_keys import (
    DeleteApiKeys,
    GetApiKeyStatus,
    SaveApiKeys,
    UnlockApiKeys,
)


@dataclass(frozen=True)
class ApiKeysServices:
    save_api_keys: SaveApiKeys
    get_api_key_status: GetApiKeyStatus
    delete_api_keys: DeleteApiKeys
    unlock_api_keys: UnlockApiKeys
    # the open profile is a production one: the page offers a passphrase by default
    production: bool = False
