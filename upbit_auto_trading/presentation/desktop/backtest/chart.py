"""Result charts: candles with entry/add/exit markers, equity vs buy-and-hold, drawdown (linked x, KST).

The wheel and a drag move time only; each pane's value axis fits what is visible in it (``charts.fit``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, QTimer
from PyQt6.QtGui import QColor, QPainter, QPicture

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.backtest.model import ResultView
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
from upbit_auto_trading.presentation.desktop.charts.trade_markers import add_trade_markers
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour

MAX_BARS = 1200
UP = QColor(200, 40, 40)  # Korean convention: rising red, falling blue
DOWN = QColor(30, 90, 200)


class MergedBars(NamedTuple):
    """The bars to draw: one value per bar in each array; ``width`` is the seconds one bar spans."""

    x: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    width: float


def merged_bars(c: CandleArrays, x0: float, x1: float) -> MergedBars:
    """(x, open, high, low, close, width) of the candles in [x0, x1], merged into at most MAX_BARS bars."""
    s = c.start
    if len(s) == 0:
        e = np.empty(0)
        return MergedBars(e, e, e, e, e, 0.0)
    step = float(np.median(np.diff(s[:1000]))) if len(s) > 1 else 3600.0
    i0 = max(0, int(np.searchsorted(s, x0 - step)))
    i1 = min(len(s), int(np.searchsorted(s, x1 + step, side="right")))
    if i1 <= i0:
        e = np.empty(0)
        return MergedBars(e, e, e, e, e, step)
    k = max(1, int(np.ceil((i1 - i0) / MAX_BARS)))
    idx = np.arange(i0, i1, k)
    last = np.minimum(idx + k - 1, i1 - 1)
    return MergedBars(s[idx].astype(float), c.open[idx], np.maximum.reduceat(c.high[i0:i1], idx - i0),
                      np.minimum.reduceat(c.low[i0:i1], idx - i0), c.close[last], step * k)  # fmt: skip


class CandleItem(pg.GraphicsObject):
    def __init__(self, candles: CandleArrays) -> None:
        super().__init__()
        self.candles = candles
        self.picture = QPicture()
        s = candles.start
        self._bounds = QRectF(float(s[0]), float(candles.low.min()), float(s[-1] - s[0]) or 1.0,
                              float(candles.high.max() - candles.low.min()) or 1.0)  # fmt: skip
        self.redraw(float(s[0]), float(s[-1]))

    def redraw(self, x0: float, x1: float) -> None:
        x, o, h, lo, c, width = merged_bars(self.candles, x0, x1)
        picture = QPicture()
        p = QPainter(picture)
        w = width * 0.35
        for colour, rising in ((UP, c >= o), (DOWN, c < o)):  # one pen per colour, not one per candle
            p.setPen(pg.mkPen(colour))
            p.setBrush(pg.mkBrush(colour))
            for xi, oi, hi, li, ci in zip(x[rising], o[rising], h[rising], lo[rising], c[rising], strict=True):
                p.drawLine(QPointF(xi, li), QPointF(xi, hi))
                p.drawRect(QRectF(xi - w, oi, 2 * w, (ci - oi) or 1e-9))
        p.end()
        self.picture = picture
        self.prepareGeometryChange()
        self.update()

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.drawPicture(0, 0, self.picture)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds


class BacktestChart(pg.GraphicsLayoutWidget):
    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.price, self.equity, self.drawdown = (
            self.addPlot(row=row, col=0, axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
            for row in range(3)
        )
        self.ci.layout.setRowStretchFactor(0, 5)
        self.ci.layout.setRowStretchFactor(1, 3)
        self.ci.layout.setRowStretchFactor(2, 2)
        for plot, label in ((self.price, tr("가격", "Price")), (self.equity, tr("자산", "Equity")),
                            (self.drawdown, tr("낙폭 %", "Drawdown %"))):  # fmt: skip
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("left", label)
            plot.getAxis("left").setWidth(90)  # equal widths keep the three time axes aligned
        # One time axis, under the lowest pane: the panes share it (long year-bearing dates thrice is clutter).
        self.price.getAxis("bottom").show_times(False)
        self.equity.getAxis("bottom").show_times(False)
        self.equity.setXLink(self.price)
        self.drawdown.setXLink(self.price)
        legend_above(self.equity)  # above the data, not over it
        legend_above(self.price)
        self.candle_item: CandleItem | None = None
        self._result: ResultView | None = None
        self._fits = (
            ValueFit(self.price, self._price_extent),
            ValueFit(self.equity, self._equity_extent),
            ValueFit(self.drawdown, self._drawdown_extent),
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._redraw_candles)
        self.price.sigXRangeChanged.connect(lambda *_: self._timer.start())
        self.marker_count = 0

    def close(self) -> bool:
        # pyqtgraph's close() deletes every item of the scene: a redraw still pending would paint into them.
        self._timer.stop()
        return bool(super().close())

    def _redraw_candles(self) -> None:
        if self.candle_item is not None:
            x0, x1 = self.price.viewRange()[0]
            self.candle_item.redraw(x0, x1)

    def _price_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        r = self._result
        if r is None:
            return None
        c = r.candles
        if c is not None and len(c):
            part = visible(c.start, x0, x1, pad=candle_step(c.start) / 2)
            return span_of((c.low[part], c.high[part]))
        return span_of([m.price for m in r.markers if x0 <= m.time <= x1])  # no candles: the fills

    def _equity_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        r = self._result
        if r is None:
            return None
        part = visible(r.start, x0, x1)
        return span_of((r.equity[part], None if r.buy_and_hold is None else r.buy_and_hold[part]))

    def _drawdown_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        r = self._result
        if r is None:
            return None
        return span_of((0.0, r.drawdown[visible(r.start, x0, x1)] * 100))

    def clear_result(self) -> None:
        for plot in (self.price, self.equity, self.drawdown):
            plot.clear()
        self.candle_item = None
        self._result = None
        self.marker_count = 0

    def set_result(self, result: ResultView) -> None:
        self.clear_result()
        self._result = result
        x = result.start.astype(float)
        if result.candles is not None and len(result.candles):
            self.candle_item = CandleItem(result.candles)
            self.price.addItem(self.candle_item)
        self.marker_count += add_trade_markers(self.price, result.markers, size=11)
        if len(x):
            self.equity.plot(
                x, result.equity, pen=pg.mkPen((20, 110, 60), width=1.6), name=tr("전략", "Strategy")
            )
            if result.buy_and_hold is not None:
                self.equity.plot(x, result.buy_and_hold, pen=pg.mkPen((150, 150, 150), width=1.2),
                                 name=tr("보유 (Buy & hold)", "Buy and hold"))  # fmt: skip
            self.drawdown.plot(x, result.drawdown * 100, pen=pg.mkPen((200, 40, 40)), fillLevel=0,
                               brush=pg.mkBrush(200, 40, 40, 80))  # fmt: skip
            limit_time(self.price, result.start)
            self.price.setXRange(x[0], x[-1], padding=0.01)
        # A rerun over the same dates emits no range change: fit the new values anyway.
        for fit in self._fits:
            fit.refit()
