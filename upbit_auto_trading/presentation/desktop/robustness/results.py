"""The two result pages: a sweep (title, overfitting card, heatmap with its axis and metric choosers, ranked
table) and a walk-forward (figures, stitched out-of-sample equity with the test windows marked, the
parameters chosen per window)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.charts.fit import limit_time
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.robustness.heatmap import HeatmapChart
from upbit_auto_trading.presentation.desktop.robustness.model import HeatmapView, SweepView, WalkForwardView
from upbit_auto_trading.presentation.desktop.robustness.tables import fill, fill_sweep, read_only_table
from upbit_auto_trading.presentation.desktop.robustness.verdict_card import VerdictCard
from upbit_auto_trading.presentation.desktop.theme import chart_colour

HeatmapChoice = Callable[[str, "str | None", str], None]


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setAccessibleName(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _select(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


class SweepPage(QWidget):
    def __init__(self, on_heatmap: HeatmapChoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_heatmap = on_heatmap
        self._filling = False
        self.title = QLabel(tr("스윕 결과가 여기에 표시됩니다", "Sweep results appear here"))
        self.title.setStyleSheet("font-weight: bold;")
        self.card = VerdictCard()
        self.x_axis = _combo(tr("가로축 파라미터", "Parameter across"))
        self.y_axis = _combo(tr("세로축 파라미터", "Parameter up"))
        self.metric_choice = _combo(tr("히트맵 지표", "Heatmap metric"))
        choosers = QHBoxLayout()
        for label, combo in (
            (tr("지표", "Metric"), self.metric_choice),
            (tr("가로", "Across"), self.x_axis),
            (tr("세로", "Up"), self.y_axis),
        ):
            choosers.addWidget(QLabel(label))
            choosers.addWidget(combo)
        choosers.addStretch(1)
        self.heatmap = HeatmapChart()
        self.table = read_only_table()
        self.table.setObjectName("sweepTable")
        heat_box = QWidget()
        hv = QVBoxLayout(heat_box)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.addLayout(choosers)
        hv.addWidget(self.heatmap, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(heat_box)
        split.addWidget(self.table)
        split.setSizes([520, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.card)
        layout.addWidget(split, 1)
        for combo in (self.x_axis, self.y_axis, self.metric_choice):
            combo.currentIndexChanged.connect(self._chosen)

    def _chosen(self, *_: object) -> None:
        if self._filling:
            return
        y = self.y_axis.currentData()
        self._on_heatmap(
            str(self.x_axis.currentData()),
            None if y is None else str(y),
            str(self.metric_choice.currentData()),
        )

    def show_sweep(self, view: SweepView) -> None:
        self._filling = True
        try:
            self.title.setText(view.title)
            self.card.set_verdict(view.verdict)
            for combo in (self.x_axis, self.y_axis):
                combo.clear()
                for label, title in view.dimensions:
                    combo.addItem(title, label)
            self.y_axis.setEnabled(len(view.dimensions) > 1)
            self.metric_choice.clear()
            for key, title in view.metrics:
                self.metric_choice.addItem(title, key)
        finally:
            self._filling = False
        fill_sweep(self.table, view.table)

    def show_heatmap(self, view: HeatmapView) -> None:
        self._filling = True
        try:
            _select(self.x_axis, view.x)
            if view.y is not None:
                _select(self.y_axis, view.y)
            _select(self.metric_choice, view.metric)
        finally:
            self._filling = False
        self.heatmap.set_view(view)


class WalkForwardPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(tr("워크포워드 결과가 여기에 표시됩니다", "Walk-forward results appear here"))
        self.title.setStyleSheet("font-weight: bold;")
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.plot = pg.PlotWidget(axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        self.plot.setBackground(chart_colour("background"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("left", tr("표본 외 자산 (KRW)", "Out-of-sample equity (KRW)"))
        self.plot.getPlotItem().setMouseEnabled(x=True, y=False)
        self.table = read_only_table()
        self.table.setObjectName("windowsTable")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plot)
        split.addWidget(self.table)
        split.setSizes([480, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.figures)
        layout.addWidget(split, 1)

    def show_walk_forward(self, view: WalkForwardView) -> None:
        self.title.setText(view.title)
        self.figures.setText(
            " &nbsp;·&nbsp; ".join(f"{name}: <b>{value}</b>" for name, value in view.figures)
        )
        self.plot.clear()
        line = chart_colour("line")
        for number, start, end in view.windows:
            band = pg.LinearRegionItem(
                (start, end),
                movable=False,
                brush=pg.mkBrush(120, 140, 200, 34 if number % 2 else 10),
                pen=pg.mkPen(None),
            )
            self.plot.addItem(band)
        if not len(view.times):
            fill(self.table, view.headers, view.rows, right_from=3)
            return
        start_equity = float(view.equity[0]) if len(view.equity) else 0.0
        dash = pg.mkPen(line, width=1, style=Qt.PenStyle.DashLine)
        self.plot.addItem(pg.InfiniteLine(start_equity, angle=0, pen=dash))
        self.plot.plot(view.times, view.equity, pen=pg.mkPen((31, 119, 180), width=2))
        limit_time(self.plot.getPlotItem(), view.times)
        self.plot.setXRange(float(view.times[0]), float(view.times[-1]), padding=0.02)
        lo, hi = float(np.nanmin(view.equity)), float(np.nanmax(view.equity))
        top = hi + (hi - lo) * 0.12
        self.plot.setYRange(lo, top, padding=0.04)
        for number, start, end in view.windows:  # each test window named at its top, in its middle
            label = pg.TextItem(f"W{number}", color=line, anchor=(0.5, 0.0))
            label.setPos((start + end) / 2, top)
            self.plot.addItem(label)
        fill(self.table, view.headers, view.rows, right_from=3)
