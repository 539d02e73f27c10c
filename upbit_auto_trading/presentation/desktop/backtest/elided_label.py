"""A one-line label that shortens its text with "…" to the width it gets, the whole text in its tooltip.

Word-wrapped labels in the run queue asked for more height than the fixed-height rows gave them (a label's
wrapped height depends on a width its layout does not pass on), so rows were cut or drew over each other.
One line each gives every row the same, known height."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        # the width is the layout's to give (never the text's); the height is one line
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:  # the whole text, not what fits
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def setText(self, text: str | None) -> None:  # noqa: N802 - Qt API
        self._full = text or ""
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        margins = self.contentsMargins()
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance(self._full) + margins.left() + margins.right(),
                     fm.height() + margins.top() + margins.bottom())  # fmt: skip

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(0, self.sizeHint().height())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
