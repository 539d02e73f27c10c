"""The chart widgets on synthetic candles, and the mouse (no container, no database: fast)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QImage, QPainter, QWheelEvent
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.backtest.chart import BacktestChart
from upbit_auto_trading.presentation.desktop.backtest.model import ResultView
from upbit_auto_trading.presentation.desktop.market_data.chart import CandleChart
from upbit_auto_trading.presentation.desktop.trigger_builder.chart import PreviewChart
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData

BASE = 1_704_067_200  # 2024-01-01 00:00 UTC = 09:00 KST


def make_candles(n: int = 800, price: float = 40_000_000.0, market: str = "KRW-BTC", seed: int = 1,
                 step: int = 3600, timeframe: str = "1h") -> CandleArrays:  # fmt: skip
    """A random walk around ``price``: highs and lows differ from candle to candle, as real ones do."""
    rng = np.random.default_rng(seed)
    close = price * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * 1.004
    low = np.minimum(open_, close) * 0.996
    volume = rng.uniform(1, 100, n)
    start = BASE + np.arange(n, dtype=np.int64) * step
    return CandleArrays(market, timeframe, start, open_, high, low, close, volume, volume * close)


@pytest.fixture
def candles() -> Callable[..., CandleArrays]:
    return make_candles


def visible_extent(start: np.ndarray, low: np.ndarray, high: np.ndarray, plot: pg.PlotItem) -> tuple[float, float]:
    """Lowest low and highest high of the candles whose time is inside the plot's x range."""
    x0, x1 = plot.viewRange()[0]
    inside = (start >= x0) & (start <= x1)
    assert inside.any(), "no candle in view"
    return float(low[inside].min()), float(high[inside].max())


@pytest.fixture
def extent() -> Callable[..., tuple[float, float]]:
    return visible_extent


def turn_wheel(view: pg.GraphicsView, plot: pg.PlotItem, notches: int, x_at: float = 0.5, y_at: float = 0.9) -> None:
    """A real wheel event on the view's viewport over ``plot`` (positive notches zoom in). Low in the plot by
    default: a zoom that scaled the price too would push the top candles off screen."""
    rect = plot.vb.sceneBoundingRect()
    scene = QPointF(rect.left() + rect.width() * x_at, rect.top() + rect.height() * y_at)
    viewport = view.viewport()
    pos = QPointF(view.mapFromScene(scene))
    event = QWheelEvent(
        pos,
        QPointF(viewport.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


@pytest.fixture
def wheel() -> Callable[..., None]:
    return turn_wheel


def drawn_labels(axis: pg.AxisItem) -> list[str]:
    """The tick texts the axis paints at its current range and size (pyqtgraph's own draw specs)."""
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]] if specs else []


@pytest.fixture
def labels() -> Callable[[pg.AxisItem], list[str]]:
    return drawn_labels


def _show(qtbot, widget) -> None:  # noqa: ANN001
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)


def _painted(widget) -> None:  # noqa: ANN001
    """Paint the chart once, as it has been before any user can turn the wheel: pyqtgraph maps the wheel's
    position through the view transform it updates when painting. ``grab`` paints at once, no waiting."""
    widget.grab()


def market_data(qtbot, arrays):  # noqa: ANN001, ANN201
    chart = CandleChart()
    _show(qtbot, chart)
    chart.set_data(arrays)
    _painted(chart)
    return chart, chart, chart.price, (arrays.start, arrays.low, arrays.high)


def backtest(qtbot, arrays):  # noqa: ANN001, ANN201
    chart = BacktestChart()
    _show(qtbot, chart)
    equity = arrays.close / arrays.close[0] * 10_000_000
    drawdown = equity / np.maximum.accumulate(equity) - 1
    chart.set_result(ResultView("run", arrays.start, arrays, equity, equity * 0.9, drawdown))
    _painted(chart)
    return chart, chart, chart.price, (arrays.start, arrays.low, arrays.high)


def preview(qtbot, arrays):  # noqa: ANN001, ANN201
    chart = PreviewChart()
    _show(qtbot, chart)
    data = PreviewData(arrays.start, arrays.close, None, "Close", True, None, None, "", np.empty(0, dtype=np.int64))
    chart.show_data(data)
    _painted(chart)
    return chart, chart.graphics, chart.price, (arrays.start, arrays.close, arrays.close)


BUILDERS = {"market_data": market_data, "backtest": backtest, "preview": preview}


@pytest.fixture(params=list(BUILDERS))
def any_chart(request, qtbot):  # noqa: ANN001, ANN201
    """Each chart in turn: ``any_chart(arrays)`` -> (chart, its GraphicsView, its price plot, (times, lows,
    highs) of what the price plot draws). ``any_chart.kind`` names it."""
    build = BUILDERS[request.param]

    def make(arrays):  # noqa: ANN001, ANN202
        return build(qtbot, arrays)

    make.kind = request.param
    return make


@pytest.fixture
def market_data_chart(qtbot):  # noqa: ANN001, ANN201
    return lambda arrays: market_data(qtbot, arrays)
