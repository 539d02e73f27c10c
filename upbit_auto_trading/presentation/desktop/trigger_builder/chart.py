"""The preview chart: price pane (with overlays and firing markers) and an indicator pane.

The wheel and a drag move time only; each pane's value axis fits what is visible in it (``charts.fit``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.charts.fit import (
    ValueFit,
    candle_step,
    limit_time,
    span_of,
    visible,
)
from upbit_auto_trading.presentation.desktop.charts.legend import legend_above
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData


class PreviewChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count_label = QLabel("")
        self.count_label.setObjectName("previewCount")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(chart_colour("background"))
        self.price, self.pane = (
            self.graphics.addPlot(row=row, col=0, axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
            for row in range(2)
        )
        self.pane.setXLink(self.price)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.legends: dict[pg.PlotItem, pg.LegendItem] = {}
        for plot in (self.price, self.pane):
            plot.showGrid(x=True, y=True, alpha=0.2)
            self.legends[plot] = legend_above(plot)
            plot.getAxis("left").setWidth(90)  # equal widths keep the two panes' time axes aligned
        self._data: PreviewData | None = None
        self._span: tuple[float, float] | None = None
        self._fits = (ValueFit(self.price, self._price_extent), ValueFit(self.pane, self._pane_extent))
        self.close_curve = self.price.plot(
            pen=pg.mkPen(chart_colour("line"), width=1), name=tr("종가", "Close")
        )
        self.overlay_curve = self.price.plot(pen=pg.mkPen("#1f77b4", width=1.5))
        self.overlay_target = self.price.plot(pen=pg.mkPen("#ff7f0e", width=1.5))
        self.markers = pg.ScatterPlotItem(
            symbol="t1", size=11, brush=pg.mkBrush("#d62728"), pen=None, name=tr("발생", "Fired")
        )
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

    def _show_pane(self, shown: bool) -> None:
        self.pane.setVisible(shown)
        self.pane.setMaximumHeight(10_000 if shown else 0)
        self.graphics.ci.layout.setRowStretchFactor(1, 2 if shown else 0)
        # The times are written once, under the lowest pane shown.
        self.price.getAxis("bottom").show_times(not shown)
        self.pane.getAxis("bottom").show_times(shown)

    def _extent(self, x0: float, x1: float, on_price: bool) -> tuple[float, float] | None:
        d = self._data
        if d is None or len(d.times) == 0:
            return None
        # One candle beyond each edge: the line runs to it, so it is partly drawn.
        part = visible(d.times, x0, x1, pad=candle_step(d.times))
        mine = d.overlay == on_price  # the variable and its target are drawn on this pane
        values: list[np.ndarray | float | None] = [d.close[part]] if on_price else []
        if mine:
            values += [s[part] for s in (d.variable, d.target) if s is not None]
            values.append(d.target_value)
        return span_of(values)

    def _price_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        return self._extent(x0, x1, on_price=True)

    def _pane_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        return self._extent(x0, x1, on_price=False)

    def _name_curves(self, data: PreviewData, main: pg.PlotDataItem, target: pg.PlotDataItem) -> None:
        """The legends list what is drawn now: close and firings on the price pane, the variable and its
        target (by their catalogue names) on the pane they are drawn on."""
        for legend in self.legends.values():
            legend.clear()
        price = self.legends[self.price]
        price.addItem(self.close_curve, tr("종가", "Close"))
        price.addItem(self.markers, tr("발생", "Fired"))
        shown_on = self.legends[self.price if data.overlay else self.pane]
        if data.variable is not None:
            shown_on.addItem(main, data.variable_label)
        if data.target is not None:
            shown_on.addItem(target, data.target_label)

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
        self._data = None
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
        if data.target is not None:
            target_curve.setData(x, data.target, connect="finite")
        self._name_curves(data, main_curve, target_curve)
        if data.target_value is not None:
            line.setValue(data.target_value)
            line.show()
        self._show_pane(not overlay)
        fired = data.fired
        self.markers.setData(x[fired], data.close[fired] if fired.size else [])
        self._data = data
        span = (float(x[0]), float(x[-1])) if len(x) else None
        if span is not None and span != self._span:
            # Other candles (market, timeframe): show them all. The same candles (a parameter changed)
            # keep the user's zoom, to compare where the trigger fires.
            limit_time(self.price, data.times)
            self.price.setXRange(*span, padding=0.02)
        self._span = span
        for fit in self._fits:  # the time range may not have changed: no signal would refit
            fit.refit()
        target = data.target_label
        text = tr(
            f"{data.variable_label} 대 {target}: {data.count}회 발생 ({_candles_ko(data.period, len(x))})",
            f"{data.variable_label} vs {target}: fired {data.count} times ({_candles_en(data.period, len(x))})",
        )
        self.count_label.setText(text + (f"  —  {message}" if message else ""))


def _candles_ko(period: str, n: int) -> str:
    """Which candles the count is over, as the period fields chose them (the caption gives their dates)."""
    if period == "range":
        return f"선택한 기간의 {n}개 캔들"
    if period == "until":
        return f"종료일까지 최근 {n}개 캔들"
    return f"최근 {n}개 캔들"


def _candles_en(period: str, n: int) -> str:
    if period == "range":
        return f"{n} candles in the chosen period"
    if period == "until":
        return f"last {n} candles up to the chosen end"
    return f"last {n} candles"
