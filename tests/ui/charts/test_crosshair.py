"""The market-data crosshair read-out describes the candles on screen, never the series before (issue 13 #8)."""

from __future__ import annotations

from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QApplication


def _hover(view, plot, x_at: float, y_at: float = 0.5) -> None:  # noqa: ANN001
    rect = plot.vb.sceneBoundingRect()
    pos = QPointF(view.mapFromScene(QPointF(rect.left() + rect.width() * x_at, rect.top() + rect.height() * y_at)))
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(QMouseEvent.Type.MouseMove, pos, QPointF(viewport.mapToGlobal(pos)),
                                                 Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier))  # fmt: skip


def test_readout_is_cleared_when_the_data_is_replaced(qtbot, market_data_chart, candles):
    chart, view, price, _series = market_data_chart(candles())
    _hover(view, price, 0.5)
    qtbot.waitUntil(lambda: chart.readout.toPlainText() != "", timeout=2000)
    hourly_text = chart.readout.toPlainText()
    assert hourly_text.startswith("2024-") and " O " in hourly_text

    resampled = candles(n=200, step=4 * 3600, seed=7, timeframe="4h")  # a resample: the same market, 4h candles
    chart.set_data(resampled)
    assert chart.readout.toPlainText() == ""  # not the hourly candle's prices over the 4h chart
    assert not chart.crosshair.vline.isVisible() and not chart.crosshair.hline.isVisible()

    _hover(view, price, 0.4)  # the next move describes the new candles
    qtbot.waitUntil(lambda: chart.readout.toPlainText() != "", timeout=2000)
    text = chart.readout.toPlainText()
    assert text != hourly_text
    i = int(abs(resampled.start - chart.crosshair.vline.value()).argmin())
    assert f"O {resampled.open[i]:,.8g}" in text

    chart.clear_data()
    assert chart.readout.toPlainText() == ""


def test_readout_stays_in_the_corner_when_zoomed(qtbot, market_data_chart, candles, wheel):
    chart, view, price, _series = market_data_chart(candles())
    _hover(view, price, 0.5)
    qtbot.waitUntil(lambda: chart.readout.toPlainText() != "", timeout=2000)
    wheel(view, price, 6)
    wheel(view, price, 3, x_at=0.9)

    box = price.vb.sceneBoundingRect()
    label = chart.readout.mapRectToScene(chart.readout.boundingRect())
    assert box.contains(label.topLeft()) and label.top() - box.top() < 20 and label.left() - box.left() < 20
