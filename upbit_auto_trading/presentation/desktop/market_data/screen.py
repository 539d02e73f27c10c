"""Build the market-data screen from its services: the widgets, the presenter, the worker thread."""

from __future__ import annotations

from PyQt6.QtWidgets import QApplication, QWidget

from upbit_auto_trading.presentation.desktop.market_data.presenter import MarketDataPresenter
from upbit_auto_trading.presentation.desktop.market_data.services import MarketDataServices
from upbit_auto_trading.presentation.desktop.market_data.view import MarketDataScreen


def build(services: MarketDataServices, parent: QWidget | None = None) -> MarketDataScreen:
    view = MarketDataScreen(parent)
    runner = services.work(view)
    presenter = MarketDataPresenter(view, services, services.candle_reader, runner)
    view.set_presenter(presenter)

    def stop(*_: object) -> None:
        presenter.close()
        runner.shutdown()

    view.destroyed.connect(stop)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(stop)
    presenter.refresh()
    return view
