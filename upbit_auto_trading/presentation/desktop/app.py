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
from upbit_auto_trading.presentation.desktop.wheel_guard import install_wheel_guard

log = logging.getLogger(__name__)


def _prefer_cjk_font(app: QApplication) -> None:
    """Pick a font family that has Hangul so Korean never renders as boxes."""
    families = set(QFontDatabase.families())
    for family in ("Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic"):
        if family in families:
            font = QFont(family, app.font().pointSize())
            app.setFont(font)
            return


def configure_application(app: QApplication) -> None:
    """The app-wide input rules, before any screen exists (idempotent): the mouse wheel changes an input
    only when it has keyboard focus (``wheel_guard``). The desktop entry point, ``create_main_window`` and
    the UI tests' fixtures all call it, so tests run under the same rules as the app."""
    install_wheel_guard(app)


def create_main_window(
    app: QApplication, container: Any, language: str | None = None, bus: Any | None = None
) -> MainWindow:
    """Build the main window. With a running ``bus`` the log dock receives its lines as LogLineEvents
    (LOW_LOGGING); without one (tests of single screens) it listens to the in-memory log sink."""
    configure_application(app)
    ui_state = UiState(container.core.app_paths().config_dir)
    set_language(language or ui_state.value("language", "") or str(container.config.ui.language() or "auto"))
    apply_theme(app, ui_state.value("theme", "") or str(container.config.ui.theme() or "light"))
    _prefer_cjk_font(app)
    window = MainWindow(container, ui_state)
    sink = container.core.log_sink()
    for line in sink.lines()[-500:]:  # what was logged before the window existed
        window.log_dock.enqueue(line)
    if bus is not None:
        from upbit_auto_trading.application.event_bus import LogLineEvent

        subscription = bus.subscribe(LogLineEvent, window.log_dock.enqueue)
        window.destroyed.connect(lambda *_: bus.unsubscribe(subscription))
    else:
        sink.add_listener(window.log_dock.enqueue)
        window.destroyed.connect(lambda *_: sink.remove_listener(window.log_dock.enqueue))
    return window


def schedule_screenshot(window: MainWindow, path: Path, done: Any, delay_ms: int = 600) -> None:
    """Render the window once it is shown, save a PNG, then call ``done(exit_code)``."""

    def grab() -> None:
        window.log_dock.drain()
        ok = window.grab().save(str(path))
        log.info("screenshot saved to %s: %s", path, ok)
        done(0 if ok else 1)

    QTimer.singleShot(delay_ms, grab)
