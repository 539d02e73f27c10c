"""Build the analysis screen from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter
from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.analysis.view import AnalysisWidget
from upbit_auto_trading.presentation.desktop.robustness.screen import add_robustness_page


def build(services: AnalysisServices, parent: QWidget | None = None) -> AnalysisWidget:
    widget = AnalysisWidget(parent)
    # two workers: loading and analysing the selected runs never waits behind a long task
    widget.presenter = AnalysisPresenter(widget, services, services.work(widget), services.work(widget))
    widget.presenter.start()
    if services.robustness is not None:  # sweeps, walk-forward, overfitting card: a second page of the tab
        add_robustness_page(widget, services.robustness)
    return widget
