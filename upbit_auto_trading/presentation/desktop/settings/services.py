"""What the Settings screen works with: where the chosen language and theme are kept, the configured
language, and the services of its Database and API-key pages. Filled in by ``container/screens.py``."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.presentation.desktop.settings.api_keys.services import ApiKeysServices
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices
from upbit_auto_trading.presentation.desktop.ui_state import UiState


@dataclass(frozen=True)
class SettingsServices:
    ui_state: UiState  # the language and theme chosen here (read again at the next start)
    language: str  # the configured language (config ``ui.language``) until one is chosen here
    database: DatabaseServices
    api_keys: ApiKeysServices
