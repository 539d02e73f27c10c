"""Build the analysis screen from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.analysis.view import AnalysisWidget


def build(services: AnalysisServices, parent: QWidget | None = None) -> AnalysisWidget:
    widget = AnalysisWidget(parent)
    widget.presenter = AnalysisPresenter(widget, services)
    widget.presenter.start()
    return widget
