"""Wheel zoom and drag pan move the time axis only, and the price follows the visible candles (issue 13 #8).

Every chart that shows prices over time is checked: the market-data candles, the backtest result and the
trigger-builder preview (the screens embed these classes, so the screens get the behaviour too).
"""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QApplication


def _drag(view, plot, dx: float) -> None:  # noqa: ANN001
    """Press the left button mid-plot, move ``dx`` pixels right in steps, release: a real drag."""
    viewport = view.viewport()
    rect = plot.vb.sceneBoundingRect()
    start = QPointF(view.mapFromScene(rect.center()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier

    def send(kind: QMouseEvent.Type, pos: QPointF, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        QApplication.sendEvent(viewport, QMouseEvent(kind, pos, QPointF(viewport.mapToGlobal(pos)), button,
                                                     buttons, mods))  # fmt: skip

    send(QMouseEvent.Type.MouseButtonPress, start, left, left)
    for k in range(1, 11):
        send(QMouseEvent.Type.MouseMove, start + QPointF(dx * k / 10, 0), none, left)
    send(QMouseEvent.Type.MouseButtonRelease, start + QPointF(dx, 0), left, none)


def test_wheel_zooms_time_only_and_fits_price_to_visible_candles(any_chart, candles, wheel, extent):
    _chart, view, plot, series = any_chart(candles())
    x0, x1 = plot.viewRange()[0]

    wheel(view, plot, 5)  # zoom in, low in the plot

    nx0, nx1 = plot.viewRange()[0]
    assert nx1 - nx0 < (x1 - x0) * 0.6  # the time axis zoomed in
    lo, hi = extent(*series, plot)
    y0, y1 = plot.viewRange()[1]
    assert y0 <= lo and hi <= y1  # every visible candle is on screen
    assert y1 - y0 <= (hi - lo) * 1.3  # and fills it (a small margin), at once, not at the old scale

    wheel(view, plot, -8)  # and out again
    assert plot.viewRange()[0][1] - plot.viewRange()[0][0] > nx1 - nx0
    lo, hi = extent(*series, plot)
    y0, y1 = plot.viewRange()[1]
    assert y0 <= lo and hi <= y1 and y1 - y0 <= (hi - lo) * 1.3


def test_drag_pans_time_only_and_fits_price(any_chart, candles, extent):
    _chart, view, plot, series = any_chart(candles())
    x0, x1 = plot.viewRange()[0]
    _drag(view, plot, 300)  # drag right: earlier candles come into view

    nx0, nx1 = plot.viewRange()[0]
    assert nx0 < x0 and nx1 - nx0 == pytest.approx(x1 - x0, rel=1e-6)
    lo, hi = extent(*series, plot)
    y0, y1 = plot.viewRange()[1]
    assert y0 <= lo and hi <= y1 and y1 - y0 <= (hi - lo) * 1.3


def test_linked_panes_fit_too_when_zoomed_from_the_lower_pane(market_data_chart, candles, wheel):
    arrays = candles()
    chart, _view, price, _series = market_data_chart(arrays)
    wheel(chart, chart.volume, 5)  # over the volume pane: the shared time axis zooms

    x0, x1 = price.viewRange()[0]
    inside = (arrays.start >= x0) & (arrays.start <= x1)
    lo, hi = arrays.low[inside].min(), arrays.high[inside].max()
    y0, y1 = price.viewRange()[1]
    assert y0 <= lo and hi <= y1 and y1 - y0 <= (hi - lo) * 1.3
    v0, v1 = chart.volume.viewRange()[1]
    assert v0 == 0 and arrays.volume[inside].max() <= v1 <= arrays.volume[inside].max() * 1.3


def test_new_data_fits_the_price_even_when_the_time_range_is_unchanged(market_data_chart, candles):
    """Another series over the same hours (KRW-ETH after KRW-BTC) must not keep BTC's price scale."""
    chart, _view, price, _series = market_data_chart(candles())
    eth = candles(price=3_000_000.0, market="KRW-ETH")
    chart.set_data(eth)
    x0, x1 = price.viewRange()[0]
    inside = (eth.start >= x0) & (eth.start <= x1)
    y0, y1 = price.viewRange()[1]
    assert y0 <= eth.low[inside].min() and eth.high[inside].max() <= y1 < 4_000_000
