"""Candlestick chart with volume: pyqtgraph, KST time axis, crosshair with an OHLCV read-out.

Only the visible candles are drawn into a QPicture, and when more than ``MAX_BARS`` are visible they are
merged into coarser bars first, so a 50,000-candle series pans and zooms smoothly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, QTimer
from PyQt6.QtGui import QColor, QPainter, QPicture
from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.charts.crosshair import Crosshair
from upbit_auto_trading.presentation.desktop.charts.fit import (
    ValueFit,
    candle_step,
    limit_time,
    span_of,
    visible,
)
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KST, KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour

MAX_BARS = 1500
UP = QColor(200, 40, 40)  # Korean convention: rising red, falling blue
DOWN = QColor(30, 90, 200)


class Bars(NamedTuple):
    """The bars to draw: one value per bar in each array; ``width`` is the seconds one bar spans."""

    start: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    width: float


def bars_for_view(arrays: CandleArrays, x0: float, x1: float, max_bars: int = MAX_BARS) -> Bars:
    """(start, open, high, low, close, volume, width) of the candles in [x0, x1], merged if too many."""
    starts = arrays.start
    if len(starts) == 0:
        empty = np.empty(0)
        return Bars(empty, empty, empty, empty, empty, empty, 0.0)
    step = float(np.median(np.diff(starts))) if len(starts) > 1 else 3600.0
    i0 = max(0, int(np.searchsorted(starts, x0 - step, side="left")))
    i1 = min(len(starts), int(np.searchsorted(starts, x1 + step, side="right")))
    s, o, h, lo, c, v = (
        a[i0:i1] for a in (starts, arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume)
    )
    n = len(s)
    if n <= max_bars:
        return Bars(s.astype(np.float64), o, h, lo, c, v, step)
    k = int(np.ceil(n / max_bars))
    idx = np.arange(0, n, k)
    return Bars(
        s[idx].astype(np.float64),
        o[idx],
        np.maximum.reduceat(h, idx),
        np.minimum.reduceat(lo, idx),
        c[np.minimum(idx + k - 1, n - 1)],
        np.add.reduceat(v, idx),
        step * k,
    )


class CandlestickItem(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self._picture = QPicture()
        self._rect = QRectF()

    def set_bars(
        self, s: np.ndarray, o: np.ndarray, h: np.ndarray, lo: np.ndarray, c: np.ndarray, width: float
    ) -> None:
        picture = QPicture()
        painter = QPainter(picture)
        half = width * 0.35
        for color, mask in ((UP, c >= o), (DOWN, c < o)):
            pen = pg.mkPen(color, width=1)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(pg.mkBrush(color))
            for x, op, hi, low, cl in zip(s[mask], o[mask], h[mask], lo[mask], c[mask], strict=True):
                painter.drawLine(QPointF(x, low), QPointF(x, hi))
                top, bottom = max(op, cl), min(op, cl)
                painter.drawRect(QRectF(x - half, bottom, 2 * half, max(top - bottom, 1e-9)))
        painter.end()
        self.prepareGeometryChange()
        self._picture = picture
        if len(s):
            self._rect = QRectF(
                float(s[0]) - width,
                float(lo.min()),
                float(s[-1] - s[0]) + 2 * width,
                float(h.max() - lo.min()),
            )
        else:
            self._rect = QRectF()
        self.update()

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.drawPicture(0, 0, self._picture)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._rect


class CandleChart(pg.GraphicsLayoutWidget):
    """Price plot on top, volume below, sharing the KST time axis.

    The wheel and a drag move time only; the price fits the visible candles' high and low and the volume
    their largest bar after every move (``charts.fit``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.price = self.addPlot(row=0, col=0, axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        self.volume = self.addPlot(row=1, col=0, axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        for plot in (self.price, self.volume):
            plot.getAxis("left").setWidth(90)  # equal widths keep the two panes' time axes aligned
            plot.showGrid(x=True, y=True, alpha=0.2)
        self.ci.layout.setRowStretchFactor(0, 4)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.volume.setXLink(self.price)
        self.price.getAxis("bottom").show_times(False)
        self.candles = CandlestickItem()
        self.price.addItem(self.candles)
        self.volume_bars = pg.BarGraphItem(x=[], height=[], width=1, brush=QColor(120, 120, 120))
        self.volume.addItem(self.volume_bars)
        self.crosshair = Crosshair(self.price, self.readout_text)
        self.readout = self.crosshair.label
        self.title = ""
        self._arrays: CandleArrays | None = None
        self._step = 3600.0
        self._visible = 0
        self._price_fit = ValueFit(self.price, self._price_extent)
        self._volume_fit = ValueFit(self.volume, self._volume_extent, margin=(0.0, 0.1))
        # Merging and drawing the visible candles is the slow part: once the wheel stops, not per notch.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(30)
        self._redraw.timeout.connect(self._draw_visible)
        self.price.sigXRangeChanged.connect(lambda *_: self._redraw.start())

    def close(self) -> bool:
        # pyqtgraph's close() deletes every item of the scene: a redraw still pending would paint into them.
        self._redraw.stop()
        return bool(super().close())

    def set_data(self, arrays: CandleArrays) -> None:
        self._arrays = arrays
        self.crosshair.clear()  # it described the previous series (or timeframe, before a resample)
        self.title = f"{arrays.market} {arrays.timeframe}"
        self.price.setTitle(self.title)
        if len(arrays) == 0:
            self.clear_data()
            return
        self._step = candle_step(arrays.start)
        limit_time(self.price, arrays.start)
        first_shown = float(arrays.start[max(0, len(arrays) - 300)])
        self.price.setXRange(first_shown, float(arrays.start[-1]), padding=0.02)
        # The same hours as before (another market, say) emit no range change: fit the new prices anyway.
        self._price_fit.refit()
        self._volume_fit.refit()
        self._draw_visible()

    def clear_data(self) -> None:
        self._arrays = None
        self._visible = 0
        self.crosshair.clear()
        self.candles.set_bars(*(np.empty(0),) * 5, 0.0)
        self.volume_bars.setOpts(x=[], height=[], width=1)
        self.price.setTitle(tr("시리즈를 선택하세요", "Select a series"))

    def visible_bar_count(self) -> int:
        return self._visible

    def _in_view(self, x0: float, x1: float) -> slice | None:
        """The candles at least half inside the view (one half on each edge counts: it is drawn)."""
        a = self._arrays
        if a is None or len(a) == 0:
            return None
        part = visible(a.start, x0, x1, pad=self._step / 2)
        return part if part.stop > part.start else None

    def _price_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        a, part = self._arrays, self._in_view(x0, x1)
        return None if a is None or part is None else span_of((a.low[part], a.high[part]))

    def _volume_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        a = self._arrays
        if a is None or self._in_view(x0, x1) is None:
            return None
        # Zoomed out, candles are merged and their volumes summed: fit the bars as drawn, not the candles.
        volumes = bars_for_view(a, x0, x1).volume
        return span_of((0.0, volumes))

    def _draw_visible(self) -> None:
        if self._arrays is None or len(self._arrays) == 0:
            return
        x0, x1 = self.price.viewRange()[0]
        s, o, h, lo, c, v, width = bars_for_view(self._arrays, x0, x1)
        self._visible = len(s)
        self.candles.set_bars(s, o, h, lo, c, width)
        self.volume_bars.setOpts(x=s, height=v, width=width * 0.7, brush=QColor(130, 130, 130))

    def readout_text(self, x: float) -> str:
        """OHLCV of the candle nearest to ``x`` (epoch seconds), time in KST."""
        a = self._arrays
        if a is None or len(a) == 0:
            return ""
        i = int(np.clip(np.searchsorted(a.start, x), 0, len(a) - 1))
        if i > 0 and abs(a.start[i - 1] - x) < abs(a.start[i] - x):
            i -= 1
        when = datetime.fromtimestamp(int(a.start[i]), UTC).astimezone(KST).strftime("%Y-%m-%d %H:%M KST")
        return (
            f"{when}  O {a.open[i]:,.8g}  H {a.high[i]:,.8g}  L {a.low[i]:,.8g}  C {a.close[i]:,.8g}  "
            f"V {a.volume[i]:,.4f}"
        )
