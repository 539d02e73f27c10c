"""Build the Settings -> API keys page from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.settings.api_keys.presenter import ApiKeysPresenter
from upbit_auto_trading.presentation.desktop.settings.api_keys.services import ApiKeysServices
from upbit_auto_trading.presentation.desktop.settings.api_keys.view import ApiKeysPage


def build(services: ApiKeysServices, parent: QWidget | None = None) -> ApiKeysPage:
    page = ApiKeysPage(parent, production=services.production)
    page.bind(
        ApiKeysPresenter(
            page, services.save_api_keys, services.get_api_key_status, services.delete_api_keys,
            services.unlock_api_keys,
        )  # fmt: skip
    )
    return page
