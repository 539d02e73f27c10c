"""Candlestick chart with volume: pyqtgraph, KST time axis, crosshair with an OHLCV read-out.

Only the visible candles are drawn into a QPicture, and when more than ``MAX_BARS`` are visible they are
merged into coarser bars first, so a 50,000-candle series pans and zooms smoothly.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QPainter, QPicture

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.market_data.model import KST
from upbit_auto_trading.presentation.desktop.theme import chart_colour

MAX_BARS = 1500
UP = QColor(200, 40, 40)  # Korean convention: rising red, falling blue
DOWN = QColor(30, 90, 200)
KST_OFFSET = -9 * 3600  # pyqtgraph's utcOffset: seconds west of UTC


def bars_for_view(
    arrays: CandleArrays, x0: float, x1: float, max_bars: int = MAX_BARS
) -> tuple[np.ndarray, ...]:
    """(start, open, high, low, close, volume, width) of the candles in [x0, x1], merged if too many."""
    starts = arrays.start
    if len(starts) == 0:
        empty = np.empty(0)
        return empty, empty, empty, empty, empty, empty, 0.0
    step = float(np.median(np.diff(starts))) if len(starts) > 1 else 3600.0
    i0 = max(0, int(np.searchsorted(starts, x0 - step, side="left")))
    i1 = min(len(starts), int(np.searchsorted(starts, x1 + step, side="right")))
    s, o, h, lo, c, v = (
        a[i0:i1] for a in (starts, arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume)
    )
    n = len(s)
    if n <= max_bars:
        return s.astype(np.float64), o, h, lo, c, v, step
    k = int(np.ceil(n / max_bars))
    idx = np.arange(0, n, k)
    return (
        s[idx].astype(np.float64),
        o[idx],
        np.maximum.reduceat(h, idx),
        np.minimum.reduceat(lo, idx),
        c[np.minimum(idx + k - 1, n - 1)],
        np.add.reduceat(v, idx),
        step * k,
    )


class PriceAxis(pg.AxisItem):
    """Plain numbers with thousands separators (no 3.9e+07)."""

    def tickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802 - pyqtgraph API
        decimals = 0 if spacing >= 1 else min(8, int(np.ceil(-np.log10(spacing))) + 1)
        return [f"{v * scale:,.{decimals}f}" for v in values]


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
    """Price plot on top, volume below, sharing the KST time axis."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.price = self.addPlot(
            row=0,
            col=0,
            axisItems={"bottom": pg.DateAxisItem(utcOffset=KST_OFFSET), "left": PriceAxis("left")},
        )
        self.volume = self.addPlot(
            row=1,
            col=0,
            axisItems={"bottom": pg.DateAxisItem(utcOffset=KST_OFFSET), "left": PriceAxis("left")},
        )
        for plot in (self.price, self.volume):
            plot.getAxis("left").setWidth(90)
        self.ci.layout.setRowStretchFactor(0, 4)
        self.ci.layout.setRowStretchFactor(1, 1)
        self.volume.setXLink(self.price)
        self.price.showGrid(x=True, y=True, alpha=0.2)
        self.volume.showGrid(x=True, y=True, alpha=0.2)
        self.price.setMouseEnabled(x=True, y=False)
        self.volume.setMouseEnabled(x=True, y=False)
        self.price.getAxis("bottom").setStyle(showValues=False)
        self.candles = CandlestickItem()
        self.price.addItem(self.candles)
        self.volume_bars = pg.BarGraphItem(x=[], height=[], width=1, brush=QColor(120, 120, 120))
        self.volume.addItem(self.volume_bars)
        self.vline = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen((80, 80, 80), style=Qt.PenStyle.DashLine)
        )
        self.hline = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen((80, 80, 80), style=Qt.PenStyle.DashLine)
        )
        self.price.addItem(self.vline, ignoreBounds=True)
        self.price.addItem(self.hline, ignoreBounds=True)
        self.readout = pg.TextItem(anchor=(0, 0), color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 210))
        self.price.addItem(self.readout, ignoreBounds=True)
        self.title = ""
        self._arrays: CandleArrays | None = None
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(30)
        self._redraw.timeout.connect(self._draw_visible)
        self.price.sigXRangeChanged.connect(lambda *_: self._redraw.start())
        self._mouse = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)

    def set_data(self, arrays: CandleArrays) -> None:
        self._arrays = arrays
        self.title = f"{arrays.market} {arrays.timeframe}"
        self.price.setTitle(self.title)
        if len(arrays) == 0:
            self.clear_data()
            return
        last = float(arrays.start[-1])
        first = float(arrays.start[max(0, len(arrays) - 300)])
        self.price.setLimits(xMin=float(arrays.start[0]) - 86400 * 30, xMax=last + 86400 * 30)
        self.price.setXRange(first, last, padding=0.02)
        self._draw_visible()

    def clear_data(self) -> None:
        self._arrays = None
        self.candles.set_bars(*(np.empty(0),) * 5, 0.0)
        self.volume_bars.setOpts(x=[], height=[], width=1)
        self.readout.setText("")
        self.price.setTitle(tr("시리즈를 선택하세요", "Select a series"))

    def visible_bar_count(self) -> int:
        return int(getattr(self, "_visible", 0))

    def _draw_visible(self) -> None:
        if self._arrays is None or len(self._arrays) == 0:
            return
        x0, x1 = self.price.viewRange()[0]
        s, o, h, lo, c, v, width = bars_for_view(self._arrays, x0, x1)
        self._visible = len(s)
        self.candles.set_bars(s, o, h, lo, c, width)
        self.volume_bars.setOpts(x=s, height=v, width=width * 0.7, brush=QColor(130, 130, 130))
        if len(s):
            pad = (h.max() - lo.min()) * 0.05 or 1.0
            self.price.setYRange(float(lo.min() - pad), float(h.max() + pad), padding=0)
            self.volume.setYRange(0, float(v.max()) * 1.1 or 1.0, padding=0)

    def _mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        if self._arrays is None or len(self._arrays) == 0 or not self.price.sceneBoundingRect().contains(pos):
            return
        point = self.price.vb.mapSceneToView(pos)
        self.vline.setPos(point.x())
        self.hline.setPos(point.y())
        self.readout.setText(self.readout_text(point.x()))
        x0, x1 = self.price.viewRange()[0]
        y0, y1 = self.price.viewRange()[1]
        self.readout.setPos(x0, y1)

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
