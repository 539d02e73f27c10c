"""The event monitor dock: live events, queues, failures, dead letters, held config changes, chains.

The presenter has no Qt; the view is imported only when the dock is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QDockWidget, QWidget


def create_event_monitor_dock(container: Any, parent: QWidget | None = None) -> QDockWidget:
    """Build the dock for the main window (``addDockWidget``). Call it on the GUI thread with the qasync
    loop running (its buttons schedule coroutines on that loop), after or before ``bus.start()``."""
    from upbit_auto_trading.presentation.desktop.event_monitor.presenter import EventMonitorPresenter
    from upbit_auto_trading.presentation.desktop.event_monitor.view import EventMonitorDock

    dock = EventMonitorDock(parent)
    presenter = EventMonitorPresenter(dock, container.event_bus.bus(), container.event_bus.gate())
    dock.attach(presenter)
    dock.destroyed.connect(lambda *_: presenter.close())
    dock.presenter = presenter  # type: ignore[attr-defined]
    return dock


__all__ = ["create_event_monitor_dock"]
