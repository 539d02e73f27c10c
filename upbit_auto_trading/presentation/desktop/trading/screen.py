"""Build the Trading tab from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.trading.presenter import TradingPresenter
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices
from upbit_auto_trading.presentation.desktop.trading.view import TradingWidget


def build(services: TradingServices, parent: QWidget | None = None) -> TradingWidget:
    """Call on the GUI thread with the qasync loop running (the desk's commands are awaited on it; the engine
    itself runs on its own thread)."""
    widget = TradingWidget(parent)
    presenter = TradingPresenter(widget, services, services.work(widget))
    widget.presenter = presenter
    widget.destroyed.connect(lambda *_: presenter.close())
    presenter.start()
    widget.start_timer()
    return widget
