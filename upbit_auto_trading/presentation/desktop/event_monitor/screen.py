"""Build the event monitor dock from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QDockWidget, QWidget

from upbit_auto_trading.presentation.desktop.event_monitor.presenter import EventMonitorPresenter
from upbit_auto_trading.presentation.desktop.event_monitor.services import EventMonitorServices
from upbit_auto_trading.presentation.desktop.event_monitor.view import EventMonitorDock


def build(services: EventMonitorServices, parent: QWidget | None = None) -> QDockWidget:
    """The dock for the main window (``add_dock``). Call it on the GUI thread with the qasync loop running
    (its buttons schedule coroutines on that loop), after or before ``bus.start()``."""
    dock = EventMonitorDock(parent)
    presenter = EventMonitorPresenter(dock, services.bus, services.gate)
    dock.attach(presenter)
    dock.destroyed.connect(lambda *_: presenter.close())
    return dock
