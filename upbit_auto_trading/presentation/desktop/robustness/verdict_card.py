"""The overfitting card: the verdict in a coloured frame (green likely robust, amber inconclusive, red likely
overfit, grey not enough data, in light and dark variants), the sentences behind it and the figures."""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import gui_application
from upbit_auto_trading.presentation.desktop.robustness.verdict import BAD, GOOD, NEUTRAL, WARN, VerdictView
from upbit_auto_trading.presentation.desktop.theme import current_theme

# (background, border, text) per tone and theme
TONES = {
    "light": {
        GOOD: ("#e6f4ea", "#34a853", "#1e4620"),
        WARN: ("#fff4ce", "#e0a800", "#5c4300"),
        BAD: ("#fde7e9", "#d93025", "#6b1111"),
        NEUTRAL: ("#f1f3f4", "#9aa0a6", "#3c4043"),
    },
    "dark": {
        GOOD: ("#1d3526", "#3f9e5c", "#c7ecd2"),
        WARN: ("#3a3116", "#c9a227", "#f4e3a6"),
        BAD: ("#3d1d1f", "#d9534f", "#f6c9c7"),
        NEUTRAL: ("#2b2f36", "#6b7078", "#d0d3d8"),
    },
}


class VerdictCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictCard")
        self.tone = NEUTRAL
        self.title = QLabel(tr("과최적화 판정", "Overfitting verdict"))
        self.title.setObjectName("verdictTitle")
        self.text = QLabel(
            tr(
                "스윕을 실행하거나 저장된 스윕을 열면 판정이 여기에 표시됩니다",
                "Run a sweep or open a stored one: the verdict appears here",
            )
        )
        self.text.setWordWrap(True)
        self.figures = QGridLayout()
        self.figures.setHorizontalSpacing(18)
        self.figures.setVerticalSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(self.figures)
        self._paint()

    def set_verdict(self, view: VerdictView) -> None:
        self.tone = view.tone
        self.title.setText(tr("과최적화 판정: ", "Overfitting verdict: ") + view.title)
        self.text.setText(view.text)
        while self.figures.count():
            taken = self.figures.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        per_row = 4
        for k, (name, value) in enumerate(view.figures):
            label = QLabel(f"{name}: <b>{value}</b>")
            self.figures.addWidget(label, k // per_row, k % per_row)
        self._paint()

    def _paint(self) -> None:
        theme = current_theme(gui_application())
        background, border, text = TONES.get(theme, TONES["light"])[self.tone]
        self.setStyleSheet(
            f"QFrame#verdictCard {{ background: {background}; border: 2px solid {border}; border-radius: 6px; }}"
            f"QFrame#verdictCard QLabel {{ color: {text}; background: transparent; border: none; }}"
            "QLabel#verdictTitle { font-weight: bold; font-size: 14px; }"
        )
