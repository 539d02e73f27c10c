"""Settings -> General: language, theme, and the Ray cluster sweeps run on by default."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr

LANGUAGE_CHOICES = (("auto", "시스템 설정 / System"), ("ko", "한국어"), ("en", "English"))
THEME_CHOICES = (("light", "밝게 / Light"), ("dark", "어둡게 / Dark"))
RAY_ADDRESS_KEY = "robustness/ray_address"
"""Where the UI state keeps the default Ray address of the Robustness section ("" = local processes)."""


class GeneralSettingsPage(QWidget):
    def __init__(
        self,
        language: str,
        theme: str,
        on_language: Callable[[str], None],
        on_theme: Callable[[str], None],
        parent: QWidget | None = None,
        ray_address: str = "",
        on_ray_address: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.language_combo = QComboBox(self)
        for code, label in LANGUAGE_CHOICES:
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, [c for c, _ in LANGUAGE_CHOICES].index(language) if language in dict(LANGUAGE_CHOICES) else 0))
        self.theme_combo = QComboBox(self)
        for code, label in THEME_CHOICES:
            self.theme_combo.addItem(label, code)
        self.theme_combo.setCurrentIndex(0 if theme != "dark" else 1)
        self.language_note = QLabel(tr("언어 변경은 다음 실행부터 적용됩니다.", "A language change applies at the next start."), self)
        self.language_note.setVisible(False)

        form = QFormLayout(self)
        form.addRow(tr("언어", "Language"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(tr("테마", "Theme"), self.theme_combo)
        self.ray_address = QLineEdit(ray_address, self)
        self.ray_address.setPlaceholderText(tr("비우면 로컬 프로세스 · auto · local · ray://head:10001",
                                               "empty: local processes · auto · local · ray://head:10001"))  # fmt: skip
        self.ray_address.setToolTip(tr("분석 > 견고성의 스윕과 워크포워드가 기본으로 쓰는 Ray 클러스터 주소 "
                                       "(pip install -e \".[ray]\" 필요)",
                                       "The Ray cluster that sweeps and walk-forwards (Analysis > Robustness) run on by "
                                       "default (needs pip install -e \".[ray]\")"))  # fmt: skip
        form.addRow(tr("Ray 주소 (스윕)", "Ray address (sweeps)"), self.ray_address)
        if on_ray_address is not None:
            self.ray_address.editingFinished.connect(lambda: on_ray_address(self.ray_address.text().strip()))

        def language_changed() -> None:
            self.language_note.setVisible(True)
            on_language(str(self.language_combo.currentData()))

        self.language_combo.currentIndexChanged.connect(language_changed)
        self.theme_combo.currentIndexChanged.connect(lambda: on_theme(str(self.theme_combo.currentData())))
