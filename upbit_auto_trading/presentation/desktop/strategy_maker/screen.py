"""Build the strategy maker screen from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.strategy_maker.presenter import StrategyMakerPresenter
from upbit_auto_trading.presentation.desktop.strategy_maker.services import StrategyMakerServices
from upbit_auto_trading.presentation.desktop.strategy_maker.view import StrategyMakerWidget


def build(services: StrategyMakerServices, parent: QWidget | None = None) -> StrategyMakerWidget:
    widget = StrategyMakerWidget(parent)
    widget.presenter = StrategyMakerPresenter(widget, services)
    widget.presenter.start()
    return widget
