"""Light and dark themes: a palette plus a small style sheet."""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.presentation.desktop.qt_checked import present

THEMES = ("light", "dark")

_DARK = {
    QPalette.ColorRole.Window: "#1e2126",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#16181c",
    QPalette.ColorRole.AlternateBase: "#23262c",
    QPalette.ColorRole.ToolTipBase: "#2b2f36",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2b2f36",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff5555",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#8a8f98",
}

_COMMON_QSS = """
QStatusBar QLabel { padding: 0 8px; }
QLabel#envBadge_production { background: #c62828; color: white; border-radius: 3px; padding: 1px 6px; }
QLabel#envBadge_testing { background: #ef6c00; color: white; border-radius: 3px; padding: 1px 6px; }
QLabel#envBadge_development { background: #2e7d32; color: white; border-radius: 3px; padding: 1px 6px; }
QLabel#placeholderLabel { font-size: 15px; color: palette(mid); }
QLabel.error, QLabel#inlineError { color: #d32f2f; }
QLabel#warningBanner { background: #fff4ce; color: #5c4300; border: 1px solid #e0a800; border-radius: 3px;
                       padding: 6px 8px; font-weight: bold; }
"""

# Fusion draws a list's or table's check box in a shade of the window colour: on the dark theme it vanished.
_DARK_QSS = """
QAbstractItemView::indicator { width: 12px; height: 12px; border: 1px solid #8a8f98; border-radius: 2px;
                               background: palette(base); }
QAbstractItemView::indicator:checked { background: #3d7bd9; border-color: #3d7bd9; }
"""


CHART_COLOURS = {
    "light": {"background": "#ffffff", "foreground": "#4a4a4a", "line": "#444444"},
    "dark": {"background": "#16181c", "foreground": "#b8bcc4", "line": "#d0d3d8"},
}


def chart_colour(role: str) -> str:
    """A chart colour for the current theme: ``background``, ``foreground`` (axes, text) or ``line``."""
    app = QApplication.instance()
    theme = current_theme(app) if app is not None else "light"
    return CHART_COLOURS.get(theme, CHART_COLOURS["light"])[role]


def _apply_chart_theme(theme: str) -> None:
    """pyqtgraph reads these when a plot is created: screens built after a change follow it."""
    import pyqtgraph as pg

    colours = CHART_COLOURS[theme]
    pg.setConfigOptions(background=colours["background"], foreground=colours["foreground"], antialias=False)


def apply_theme(app: QApplication, theme: str) -> str:
    theme = theme if theme in THEMES else "light"
    app.setStyle("Fusion")
    if theme == "dark":
        palette = QPalette()
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7078"))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b7078"))
    else:
        palette = present(app.style(), "application style").standardPalette()
    app.setPalette(palette)
    app.setStyleSheet(_COMMON_QSS + (_DARK_QSS if theme == "dark" else ""))
    app.setProperty("appTheme", theme)
    _apply_chart_theme(theme)
    return theme


def current_theme(app: QCoreApplication) -> str:
    return str(app.property("appTheme") or "light")
