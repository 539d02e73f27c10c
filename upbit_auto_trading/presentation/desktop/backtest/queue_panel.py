"""The run queue of the backtest tab: one row per waiting or running job, each with its own cancel button
(widgets only; rows come from the presenter, a click goes back as ``cancel(job_id)``).

Every row is two one-line labels (shortened with "…", the whole text in the tooltip) over a thin progress
bar: its height is known from the font, so the panel sizes itself from the rows' size hints and rows never
overlap, whatever the language, the strategy name or the pane width."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.backtest.elided_label import ElidedLabel
from upbit_auto_trading.presentation.desktop.backtest.model import QueueRow
from upbit_auto_trading.presentation.desktop.i18n import tr


class QueueRowWidget(QWidget):
    def __init__(self, job_id: int, cancel: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.label = ElidedLabel()
        self.state = ElidedLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # a waiting row (no bar) is as tall as a running one
        self.progress.setSizePolicy(policy)
        self.cancel_button = QPushButton(tr("취소", "Cancel"))
        self.cancel_button.setObjectName(f"cancelJob{job_id}")
        self.cancel_button.setToolTip(tr(f"#{job_id} 취소", f"Cancel #{job_id}"))
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_button.clicked.connect(lambda _c=False: cancel(self.job_id))
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.label)
        text.addWidget(self.state)
        text.addWidget(self.progress)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(text, 1)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_row(self, row: QueueRow) -> None:
        self.label.setText(row.label)
        self.state.setText(row.text)
        self.setToolTip(f"{row.label}\n{row.text}")
        self.progress.setValue(int(row.progress * 1000))
        self.progress.setVisible(row.state != "queued")
        self.cancel_button.setEnabled(row.cancellable)


class QueuePanel(QGroupBox):
    """Rows are updated in place (progress arrives often); added and removed as jobs come and go."""

    def __init__(self, cancel: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(tr("실행 대기열", "Run queue"), parent)
        self.setObjectName("runQueue")
        self._cancel = cancel
        self._rows: dict[int, QueueRowWidget] = {}
        self.empty_label = ElidedLabel(
            tr("실행 중이거나 대기 중인 백테스트가 없습니다", "No backtest running or waiting")
        )
        self._body = QWidget()
        self._list = QVBoxLayout(self._body)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(2)
        self._list.addWidget(self.empty_label)
        self._list.addStretch(1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows wrap instead
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(scroll)
        self._fit(0)

    def _fit(self, rows: int) -> None:
        """Tall enough for up to three rows (then it scrolls), one line when empty; measured from the
        rows' own size hints, which a guessed pixel height per row was not."""
        if not rows:
            self._scroll.setFixedHeight(self.empty_label.sizeHint().height() + 4)
            return
        shown = [self._rows[j] for j in list(self._rows)[:3]]
        height = sum(w.sizeHint().height() for w in shown) + self._list.spacing() * (len(shown) - 1)
        self._scroll.setFixedHeight(height + 2)

    def show_rows(self, rows: Sequence[QueueRow]) -> None:
        wanted = [r.job_id for r in rows]
        for job_id in [j for j in self._rows if j not in wanted]:
            gone = self._rows.pop(job_id)
            self._list.removeWidget(gone)
            gone.deleteLater()
        for position, row in enumerate(rows, start=1):  # position 0 is the "empty" label
            widget = self._rows.get(row.job_id)
            if widget is None:
                widget = QueueRowWidget(row.job_id, self._cancel)
                self._rows[row.job_id] = widget
            if self._list.indexOf(widget) != position:
                self._list.removeWidget(widget)
                self._list.insertWidget(position, widget)
            widget.set_row(row)
        self.empty_label.setVisible(not rows)
        self._fit(len(rows))

    def row(self, job_id: int) -> QueueRowWidget | None:
        return self._rows.get(job_id)

    def job_ids(self) -> list[int]:
        return list(self._rows)
