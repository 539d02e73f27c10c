"""Build the Robustness section from its services, and add it to a host screen as a second page."""

from __future__ import annotations

from PyQt6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.robustness.presenter import RobustnessPresenter
from upbit_auto_trading.presentation.desktop.robustness.services import RobustnessServices
from upbit_auto_trading.presentation.desktop.robustness.view import RobustnessWidget

PAGES_NAME = "analysisPages"


def build(services: RobustnessServices, parent: QWidget | None = None) -> RobustnessWidget:
    widget = RobustnessWidget(parent)
    widget.set_ray_default(services.ray_address())
    # two runners owned by the widget: sweeps on one, reading stored studies on the other
    widget.presenter = RobustnessPresenter(widget, services, services.work(widget), services.work(widget))
    widget.presenter.start()
    return widget


def add_robustness_page(host: QWidget, services: RobustnessServices) -> RobustnessWidget:
    """Put ``host``'s content on a first page ("Analysis") and the Robustness section on a second one.

    The host keeps its widgets and attributes; only their parent changes (a layout handed to another widget
    takes its widgets along), so the host screen needs no knowledge of this section."""
    content = QWidget()
    layout = host.layout()
    if layout is not None:
        content.setLayout(layout)  # Qt moves the layout and its widgets from the host to ``content``
    pages = QTabWidget(host)
    pages.setObjectName(PAGES_NAME)
    pages.setDocumentMode(True)
    pages.addTab(content, tr("분석", "Analysis"))
    robustness = build(services, pages)
    pages.addTab(robustness, tr("견고성", "Robustness"))
    outer = QVBoxLayout(host)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(pages)
    return robustness
