"""Per-home UI state (window geometry, last tab, language, theme), kept in the home's config folder."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QByteArray, QSettings


class UiState:
    """A thin wrapper over an INI-format QSettings in ``<home>/config/ui_state.ini``.

    Keeping it under the home (not the platform registry) is what lets isolated instances and tests run
    side by side without sharing window state.
    """

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(config_dir / "ui_state.ini"), QSettings.Format.IniFormat)

    def value(self, key: str, default: str = "") -> str:
        value = self._settings.value(key, default)
        return str(value) if value is not None else default

    def set_value(self, key: str, value: str) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()

    def bytes_value(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()
