"""Build the Qt application and the main window from the desktop's services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QFont, QFontDatabase
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.presentation.desktop.gui_thread_gc import collect_on_gui_thread
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.main_window import MainWindow
from upbit_auto_trading.presentation.desktop.services import DesktopServices
from upbit_auto_trading.presentation.desktop.theme import apply_theme
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
    only when it has keyboard focus (``wheel_guard``), and cyclic garbage is collected only on the GUI thread
    (``gui_thread_gc``). The desktop entry point, ``create_main_window`` and the UI tests' fixtures all call
    it, so tests run under the same rules as the app."""
    install_wheel_guard(app)
    collect_on_gui_thread(app)


def create_main_window(
    app: QApplication, services: DesktopServices, language: str | None = None, bus: EventBus | None = None
) -> MainWindow:
    """Build the main window. With a running ``bus`` the log dock receives its lines as LogLineEvents
    (LOW_LOGGING); without one (tests of single screens) it listens to the in-memory log."""
    configure_application(app)
    ui_state = services.ui_state
    set_language(language or ui_state.value("language", "") or services.language)
    apply_theme(app, ui_state.value("theme", "") or services.theme)
    _prefer_cjk_font(app)
    window = MainWindow(services)
    log_lines = services.log_lines
    for line in log_lines.lines()[-500:]:  # what was logged before the window existed
        window.log_dock.enqueue(line)
    if bus is not None:
        from upbit_auto_trading.application.event_bus import LogLineEvent

        subscription = bus.subscribe(LogLineEvent, window.log_dock.enqueue)
        window.destroyed.connect(lambda *_: bus.unsubscribe(subscription))
    else:
        log_lines.add_listener(window.log_dock.enqueue)
        window.destroyed.connect(lambda *_: log_lines.remove_listener(window.log_dock.enqueue))
    return window


def schedule_screenshot(window: MainWindow, path: Path, done: Callable[[int], None], delay_ms: int = 600) -> None:
    """Render the window once it is shown, save a PNG, then call ``done(exit_code)``."""

    def grab() -> None:
        window.log_dock.drain()
        ok = window.grab().save(str(path))
        log.info("screenshot saved to %s: %s", path, ok)
        done(0 if ok else 1)

    QTimer.singleShot(delay_ms, grab)
