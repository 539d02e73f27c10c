"""Build the Settings -> Database page from its services."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.domain.profiles.events import BackupRestored, ProfileSwitched
from upbit_auto_trading.presentation.desktop.settings.profiles.presenter import DatabasePagePresenter
from upbit_auto_trading.presentation.desktop.settings.profiles.services import DatabaseServices
from upbit_auto_trading.presentation.desktop.settings.profiles.view import DatabasePageView


def build(services: DatabaseServices, parent: QWidget | None = None) -> DatabasePageView:
    view = DatabasePageView(parent)
    runner = services.work(view)
    presenter = DatabasePagePresenter(view, services, runner)
    view.bind(presenter)
    view.runner = runner
    if services.bus is not None:
        _follow_bus(services.bus, presenter)
    presenter.start()
    return view


def _follow_bus(bus: EventBus, presenter: DatabasePagePresenter) -> None:
    """Reload when another screen (or a held change) switches or restores."""
    for event_type in (ProfileSwitched, BackupRestored):
        bus.subscribe(
            event_type,
            lambda event: presenter.refresh_quietly(),
            name=f"settings.database.{event_type.__name__}",
        )
