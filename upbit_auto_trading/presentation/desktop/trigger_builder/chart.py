"""The preview chart: price pane (with overlays and firing markers) and an indicator pane."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData

_KST = 9 * 3600


class PreviewChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count_label = QLabel("")
        self.count_label.setObjectName("previewCount")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(chart_colour("background"))
        self.price = self.graphics.addPlot(
            row=0, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=-_KST)}
        )
        self.pane = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=-_KST)}
        )
        self.pane.setXLink(self.price)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.price, self.pane):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.addLegend(offset=(5, 5))
        self.close_curve = self.price.plot(
            pen=pg.mkPen(chart_colour("line"), width=1), name=tr("종가", "Close")
        )
        self.overlay_curve = self.price.plot(pen=pg.mkPen("#1f77b4", width=1.5))
        self.overlay_target = self.price.plot(pen=pg.mkPen("#ff7f0e", width=1.5))
        self.markers = pg.ScatterPlotItem(symbol="t1", size=11, brush=pg.mkBrush("#d62728"), pen=None)
        self.price.addItem(self.markers)
        self.pane_curve = self.pane.plot(pen=pg.mkPen("#1f77b4", width=1.5))
        self.pane_target = self.pane.plot(pen=pg.mkPen("#ff7f0e", width=1.5))
        self.pane_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen("#ff7f0e", style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        self.price_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen("#ff7f0e", style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        self.pane.addItem(self.pane_line)
        self.price.addItem(self.price_line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count_label)
        layout.addWidget(self.graphics, 1)

    def _show_pane(self, visible: bool) -> None:
        self.pane.setVisible(visible)
        self.pane.setMaximumHeight(10_000 if visible else 0)
        self.graphics.ci.layout.setRowStretchFactor(1, 2 if visible else 0)

    def clear(self, message: str = "") -> None:
        for curve in (
            self.close_curve,
            self.overlay_curve,
            self.overlay_target,
            self.pane_curve,
            self.pane_target,
        ):
            curve.setData([], [])
        self.markers.setData([], [])
        self.pane_line.hide()
        self.price_line.hide()
        self.count_label.setText(message)

    def show_data(self, data: PreviewData, message: str = "") -> None:
        x = data.times.astype(np.float64)
        self.close_curve.setData(x, data.close)
        overlay = data.overlay
        main_curve, target_curve, line = (
            (self.overlay_curve, self.overlay_target, self.price_line)
            if overlay
            else (self.pane_curve, self.pane_target, self.pane_line)
        )
        for curve in (self.overlay_curve, self.overlay_target, self.pane_curve, self.pane_target):
            curve.setData([], [])
        self.pane_line.hide()
        self.price_line.hide()
        if data.variable is not None:
            main_curve.setData(x, data.variable, connect="finite")
            main_curve.opts["name"] = data.variable_label
        if data.target is not None:
            target_curve.setData(x, data.target, connect="finite")
        if data.target_value is not None:
            line.setValue(data.target_value)
            line.show()
        self._show_pane(not overlay)
        fired = data.fired
        self.markers.setData(x[fired], data.close[fired] if fired.size else [])
        target = data.target_label
        text = tr(
            f"{data.variable_label} 대 {target}: {data.count}회 발생 (최근 {len(x)}개 캔들)",
            f"{data.variable_label} vs {target}: fired {data.count} times (last {len(x)} candles)",
        )
        self.count_label.setText(text + (f"  —  {message}" if message else ""))
