"""Regenerate the chart pictures in docs/images/ with the real widgets on the bundled KRW-BTC 1h candles.

- market-data.png: the market-data screen, zoomed in with the mouse wheel, the crosshair on a candle
- chart-zoom-hours.png: the market-data chart zoomed in to a day and a half with the wheel (the price fits the
  visible candles, every date keeps its year, times in KST), the read-out in its corner

Usage: QT_QPA_PLATFORM=offscreen python docs/make_chart_screenshots.py [--home DIR] [--out-dir DIR]
(a fresh home is seeded with the bundled candles; Korean needs a CJK font: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QMouseEvent, QWheelEvent
from PyQt6.QtWidgets import QApplication
from screenshot_support import IMAGES, application, save, seeded_container, wait_until


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home")
    parser.add_argument("--out-dir", type=Path, default=IMAGES)
    args = parser.parse_args()
    application("ko")

    from upbit_auto_trading.container.screens import market_data_services
    from upbit_auto_trading.presentation.desktop.market_data.chart import CandleChart
    from upbit_auto_trading.presentation.desktop.market_data.screen import build

    container = seeded_container(args.home, "shot-charts-")

    def settle(condition: Callable[[], bool] = lambda: True, seconds: float = 60) -> None:
        wait_until(condition, seconds)
        for _ in range(3):  # the deferred candle redraw (30 ms after the last range change)
            time.sleep(0.05)
            QApplication.processEvents()

    # The market-data screen: three notches of the wheel in, the crosshair on a candle.
    screen = build(market_data_services(container), None)
    screen.interactive = False
    screen.resize(1280, 820)
    screen.show()
    settle(lambda: screen.table.rowCount() >= 1)
    screen.select_series("KRW-BTC", "1h")
    settle(lambda: screen.chart.visible_bar_count() > 0)
    chart = screen.chart
    _wheel(chart, chart.price, 3, x_at=0.75)
    settle()
    _hover(chart, chart.price, 0.62, 0.45)
    settle(lambda: chart.readout.toPlainText() != "")
    save(screen, args.out_dir / "market-data.png")

    # The chart alone, zoomed in to hours with the wheel: dates keep the year, the price fits the candles.
    arrays = container.market_data.candle_reader().load_arrays("KRW-BTC", "1h")
    alone = CandleChart()
    alone.resize(1100, 560)
    alone.show()
    alone.set_data(arrays)
    settle()
    _wheel(alone, alone.price, 7, x_at=0.85)
    settle()
    _hover(alone, alone.price, 0.55, 0.5)
    settle(lambda: alone.readout.toPlainText() != "")
    save(alone, args.out_dir / "chart-zoom-hours.png")


def _at(view, plot, x_at: float, y_at: float) -> QPointF:  # noqa: ANN001
    rect = plot.vb.sceneBoundingRect()
    return QPointF(view.mapFromScene(QPointF(rect.left() + rect.width() * x_at, rect.top() + rect.height() * y_at)))


def _wheel(view, plot, notches: int, x_at: float = 0.5) -> None:  # noqa: ANN001
    pos = _at(view, plot, x_at, 0.5)
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QWheelEvent(pos, QPointF(viewport.mapToGlobal(pos)), QPoint(),
                                                 QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                                 False))  # fmt: skip


def _hover(view, plot, x_at: float, y_at: float) -> None:  # noqa: ANN001
    pos = _at(view, plot, x_at, y_at)
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(QMouseEvent.Type.MouseMove, pos, QPointF(viewport.mapToGlobal(pos)),
                                                 Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier))  # fmt: skip


if __name__ == "__main__":
    main()
