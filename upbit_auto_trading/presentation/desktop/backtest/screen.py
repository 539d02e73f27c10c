"""Build the backtest screen from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.backtest.presenter import BacktestPresenter
from upbit_auto_trading.presentation.desktop.backtest.services import BacktestServices
from upbit_auto_trading.presentation.desktop.backtest.view import BacktestWidget


def build(services: BacktestServices, parent: QWidget | None = None) -> BacktestWidget:
    widget = BacktestWidget(parent)
    widget.presenter = BacktestPresenter(widget, services, services.work(widget))
    queue = services.queue
    widget.destroyed.connect(lambda *_: queue.cancel_all())
    widget.presenter.start()
    return widget
