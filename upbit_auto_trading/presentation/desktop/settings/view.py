"""The Settings screen: a list of pages on the left, the chosen page on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtWidgets import QApplication, QHBoxLayout, QListWidget, QStackedWidget, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.placeholder import PlaceholderTab
from upbit_auto_trading.presentation.desktop.settings.api_keys.view import create_api_keys_page
from upbit_auto_trading.presentation.desktop.settings.general_page import GeneralSettingsPage
from upbit_auto_trading.presentation.desktop.theme import apply_theme, current_theme

PageFactory = Callable[[Any, QWidget | None], QWidget]


def _database_page(container: Any, parent: QWidget | None) -> QWidget:
    try:
        from upbit_auto_trading.presentation.desktop.settings.profiles.view import create_database_page
    except ImportError:
        return PlaceholderTab(tr("데이터베이스", "Database"), parent)
    return create_database_page(container, parent)


class SettingsScreen(QWidget):
    def __init__(self, container: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._container = container
        self.pages = QListWidget(self)
        self.pages.setMaximumWidth(180)
        self.stack = QStackedWidget(self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)

        ui_state = getattr(parent, "ui_state", None) if parent is not None else None
        self._ui_state = ui_state
        language = ui_state.value("language", "") if ui_state else ""
        self.add_page(
            tr("일반", "General"),
            GeneralSettingsPage(
                language or str(container.config.ui.language() or "auto"),
                current_theme(QApplication.instance()),
                self._set_language,
                self._set_theme,
                self,
            ),
        )
        self.add_page(tr("데이터베이스", "Database"), _database_page(container, self))
        self.add_page(tr("API 키", "API keys"), create_api_keys_page(container, self))
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)

    def add_page(self, title: str, page: QWidget) -> None:
        self.pages.addItem(title)
        self.stack.addWidget(page)

    def show_page(self, title: str) -> bool:
        for row in range(self.pages.count()):
            if self.pages.item(row).text() == title:
                self.pages.setCurrentRow(row)
                return True
        return False

    def _set_language(self, language: str) -> None:
        if self._ui_state is not None:
            self._ui_state.set_value("language", language)

    def _set_theme(self, theme: str) -> None:
        apply_theme(QApplication.instance(), theme)
        if self._ui_state is not None:
            self._ui_state.set_value("theme", theme)
