"""Build the Settings screen from its services: General (language, theme), Database and API keys."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import gui_application
from upbit_auto_trading.presentation.desktop.settings.api_keys.screen import build as build_api_keys_page
from upbit_auto_trading.presentation.desktop.settings.general_page import RAY_ADDRESS_KEY, GeneralSettingsPage
from upbit_auto_trading.presentation.desktop.settings.profiles.screen import build as build_database_page
from upbit_auto_trading.presentation.desktop.settings.services import SettingsServices
from upbit_auto_trading.presentation.desktop.settings.view import SettingsScreen
from upbit_auto_trading.presentation.desktop.theme import apply_theme, current_theme
from upbit_auto_trading.presentation.desktop.ui_state import UiState


def build(services: SettingsServices, parent: QWidget | None = None) -> SettingsScreen:
    screen = SettingsScreen(parent)
    ui_state = services.ui_state
    general = GeneralSettingsPage(
        ui_state.value("language", "") or services.language,
        current_theme(gui_application()),
        lambda language: ui_state.set_value("language", language),
        lambda theme: _set_theme(ui_state, theme),
        screen,
        ray_address=ui_state.value(RAY_ADDRESS_KEY, ""),
        on_ray_address=lambda address: ui_state.set_value(RAY_ADDRESS_KEY, address),
    )
    screen.add_page(tr("일반", "General"), general)
    screen.add_page(tr("데이터베이스", "Database"), build_database_page(services.database, screen))
    screen.add_page(tr("API 키", "API keys"), build_api_keys_page(services.api_keys, screen))
    screen.pages.setCurrentRow(0)
    return screen


def _set_theme(ui_state: UiState, theme: str) -> None:
    apply_theme(gui_application(), theme)
    ui_state.set_value("theme", theme)
