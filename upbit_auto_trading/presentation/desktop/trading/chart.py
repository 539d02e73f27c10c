"""The Trading tab's chart: candles of one market of one session with its entries, adds and exits as they fill.

The candles and markers are the backtest chart's (``backtest.chart``), the axes and the value fit those of every
chart (``charts``). While the user has not moved it, the view follows the newest candles.
"""

from __future__ import annotations

import pyqtgraph as pg

from upbit_auto_trading.application.trading.desk_view import ChartData
from upbit_auto_trading.presentation.desktop.backtest.chart import CandleItem
from upbit_auto_trading.presentation.desktop.charts.fit import ValueFit, candle_step, span_of, visible
from upbit_auto_trading.presentation.desktop.charts.legend import legend_above
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.charts.trade_markers import add_trade_markers
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour

FOLLOW_CANDLES = 150  # candles in view while following the newest one


class TradingChart(pg.GraphicsLayoutWidget):
    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.price = self.addPlot(row=0, col=0, axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        self.price.showGrid(x=True, y=True, alpha=0.2)
        self.price.getAxis("left").setWidth(90)
        legend_above(self.price)
        self._data: ChartData | None = None
        self._key: tuple[str, str] | None = None
        self._fit = ValueFit(self.price, self._extent)
        self.candle_item: CandleItem | None = None
        self.marker_count = 0
        self.price.sigXRangeChanged.connect(lambda *_: self._redraw())

    def _redraw(self) -> None:
        if self.candle_item is not None:
            x0, x1 = self.price.viewRange()[0]
            self.candle_item.redraw(x0, x1)

    def _extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        data = self._data
        if data is None:
            return None
        c = data.candles
        if len(c):
            part = visible(c.start, x0, x1, pad=candle_step(c.start) / 2)
            return span_of((c.low[part], c.high[part]))
        return span_of([m.price for m in data.markers if x0 <= m.time <= x1])

    def set_data(self, data: ChartData | None) -> None:
        key = (data.session_id, data.market) if data is not None else None
        following = key != self._key or self._following()
        self.price.clear()
        self.candle_item = None
        self.marker_count = 0
        self._data = data
        self._key = key
        if data is None:
            self.price.setTitle(tr("실행 중인 세션이 없습니다", "No running session"))
            return
        self.price.setTitle(None)  # the choice above the chart names it; a title would sit under the legend
        c = data.candles
        if len(c):
            self.candle_item = CandleItem(c)
            self.price.addItem(self.candle_item)
        self.marker_count += add_trade_markers(self.price, data.markers, size=12)
        if len(c) and following:
            step = candle_step(c.start)
            first = c.start[max(0, len(c) - FOLLOW_CANDLES)]
            self.price.setXRange(float(first), float(c.start[-1]) + step, padding=0.02)
        self._fit.refit()

    def _following(self) -> bool:
        """True while the view shows the newest candle (the user has not scrolled back in time)."""
        data = self._data
        if data is None or not len(data.candles):
            return True
        x1 = float(self.price.viewRange()[0][1])
        return x1 >= float(data.candles.start[-1])
