"""The clear "not yet available" state of a tab whose feature has not landed."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr


class PlaceholderTab(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(tr(f"{title}\n\n이 화면은 아직 준비 중입니다.", f"{title}\n\nThis screen is not yet available."))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("placeholderLabel")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
