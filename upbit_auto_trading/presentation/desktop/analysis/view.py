"""Analysis screen (widgets only): checkable run list, the comparison table (one row per run, a run over
another period flagged), overlaid normalised equity curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.analysis.presenter import (
    AnalysisPresenter,
    Comparison,
    Curve,
    RunItem,
)
from upbit_auto_trading.presentation.desktop.charts.fit import ValueFit, limit_time, span_of, visible
from upbit_auto_trading.presentation.desktop.charts.legend import legend_above
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import present, vertical_header
from upbit_auto_trading.presentation.desktop.theme import chart_colour

FLAG_BACKGROUND, FLAG_TEXT = QColor("#fff4ce"), QColor("#5c4300")  # the warning banner's, in both themes
COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75),
           (227, 119, 194), (23, 190, 207)]  # fmt: skip


class AnalysisWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: AnalysisPresenter | None = None
        self._loading = False
        self.runs = QListWidget()
        self.refresh_button = QPushButton(tr("새로고침", "Refresh"))
        self.delete_button = QPushButton(tr("선택 실행 삭제", "Delete run"))
        self.error = QLabel()
        self.error.setStyleSheet("color: rgb(200, 30, 30);")
        self.error.setWordWrap(True)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(QLabel(tr("저장된 실행 (비교할 항목 체크)", "Stored runs (check to compare)")))
        lv.addWidget(self.runs, 1)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.delete_button)
        lv.addLayout(row)
        lv.addWidget(self.error)

        self.table = QTableWidget()
        self.table.setObjectName("comparisonTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        vertical_header(self.table).setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.notice = QLabel()  # "the periods differ", above the table
        self.notice.setObjectName("warningBanner")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        table_box = QWidget()
        tv = QVBoxLayout(table_box)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(self.notice)
        tv.addWidget(self.table, 1)
        # the same time axis (KST, the year on every label), numbers and navigation as the other charts:
        # wheel and drag move time only, the value axis fits the curves in view
        self.plot = pg.PlotWidget(axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        self.plot.setBackground(chart_colour("background"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("left", tr("자산 (시작 = 1.0)", "Equity (start = 1.0)"))
        legend_above(self.plot.getPlotItem())
        self._curves: list[Curve] = []
        self._fit = ValueFit(self.plot.getPlotItem(), self._extent)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(table_box)
        right.addWidget(self.plot)
        right.setSizes([320, 520])  # up to eight runs (one row each) above the curves

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([380, 1000])
        QVBoxLayout(self).addWidget(splitter)

        self.runs.itemChanged.connect(lambda *_: None if self._loading else self._call("selection_changed"))
        self.refresh_button.clicked.connect(lambda: self._call("refresh"))
        self.delete_button.clicked.connect(lambda: self._call("delete_current"))

    def _call(self, name: str) -> None:
        if self.presenter is not None:
            getattr(self.presenter, name)()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API: runs stored in the backtest tab
        super().showEvent(event)
        self._call("refresh")

    # ------------------------------------------------------------------ AnalysisView
    def show_runs(self, items: Sequence[RunItem], checked: Sequence[int]) -> None:
        self._loading = True
        try:
            current = self.current_run_id()
            self.runs.clear()
            for it in items:
                item = QListWidgetItem(it.label)
                item.setData(Qt.ItemDataRole.UserRole, it.run_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if it.run_id in checked else Qt.CheckState.Unchecked)
                self.runs.addItem(item)
                if it.run_id == current:
                    self.runs.setCurrentItem(item)
        finally:
            self._loading = False

    def checked_run_ids(self) -> list[int]:
        out = []
        for i in range(self.runs.count()):
            item = self.runs.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def current_run_id(self) -> int | None:
        item = self.runs.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def show_comparison(self, comparison: Comparison) -> None:
        """One row per run, named in the row header (it stays in view while the metrics scroll sideways);
        a flagged run gets a warning icon, its period cell in the warning colour and the reason as tooltip."""
        self.error.setText("")
        self.notice.setText(comparison.notice)
        self.notice.setVisible(bool(comparison.notice))
        table = self.table
        table.clear()
        table.setColumnCount(len(comparison.headers))
        table.setHorizontalHeaderLabels(comparison.headers)
        table.setRowCount(len(comparison.rows))
        icon = present(self.style(), "style").standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, (label, cells, flag) in enumerate(
            zip(comparison.run_labels, comparison.rows, comparison.flags, strict=True)
        ):
            head = QTableWidgetItem(label)
            head.setTextAlignment(left)
            if flag:
                head.setIcon(icon)
                head.setToolTip(flag)
            table.setVerticalHeaderItem(r, head)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(left if c <= comparison.period_column else right)
                if flag:
                    item.setToolTip(flag)
                    if c == comparison.period_column:
                        item.setIcon(icon)
                        item.setBackground(FLAG_BACKGROUND)
                        item.setForeground(FLAG_TEXT)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def flagged_rows(self) -> list[int]:
        """Rows whose run header carries the warning (what a user sees as flagged)."""
        return [
            r
            for r in range(self.table.rowCount())
            if (head := self.table.verticalHeaderItem(r)) is not None and head.toolTip()
        ]

    def _extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        return span_of(c.value[visible(c.time, x0, x1)] for c in self._curves)

    def show_curves(self, curves: Sequence[Curve]) -> None:
        self.plot.clear()
        self._curves = list(curves)
        for k, curve in enumerate(curves):
            self.plot.plot(
                curve.time, curve.value, pen=pg.mkPen(COLOURS[k % len(COLOURS)], width=1.5), name=curve.label
            )
        times = [c.time for c in curves if len(c.time)]
        if times:
            every = np.sort(np.concatenate(times))
            limit_time(self.plot.getPlotItem(), every)
            self.plot.setXRange(float(every[0]), float(every[-1]), padding=0.02)
        self._fit.refit()  # the same time range emits no change: fit the new curves anyway

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(self, tr("확인", "Confirm"), question) == QMessageBox.StandardButton.Yes

    def show_error(self, message: str) -> None:
        self.error.setText(message)
