"""Build the Qt application and the main window for a container."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QFont, QFontDatabase
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.main_window import MainWindow
from upbit_auto_trading.presentation.desktop.theme import apply_theme
from upbit_auto_trading.presentation.desktop.ui_state import UiState

log = logging.getLogger(__name__)


def _prefer_cjk_font(app: QApplication) -> None:
    """Pick a font family that has Hangul so Korean never renders as boxes."""
    families = set(QFontDatabase.families())
    for family in ("Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic"):
        if family in families:
            font = QFont(family, app.font().pointSize())
            app.setFont(font)
            return


def create_main_window(app: QApplication, container: Any, language: str | None = None) -> MainWindow:
    ui_state = UiState(container.core.app_paths().config_dir)
    set_language(language or ui_state.value("language", "") or str(container.config.ui.language() or "auto"))
    apply_theme(app, ui_state.value("theme", "") or str(container.config.ui.theme() or "light"))
    _prefer_cjk_font(app)
    window = MainWindow(container, ui_state)
    sink = container.core.log_sink()
    for line in sink.lines()[-500:]:
        window.log_dock.enqueue(line)
    sink.add_listener(window.log_dock.enqueue)
    window.destroyed.connect(lambda *_: sink.remove_listener(window.log_dock.enqueue))
    return window


def schedule_screenshot(window: MainWindow, path: Path, delay_ms: int = 400) -> None:
    """Render the window once it is shown, save a PNG and quit with 0 (non-zero if saving failed)."""

    def grab() -> None:
        window.log_dock.drain()
        ok = window.grab().save(str(path))
        log.info("screenshot saved to %s: %s", path, ok)
        app = QApplication.instance()
        if app is not None:
            app.exit(0 if ok else 1)

    QTimer.singleShot(delay_ms, grab)
