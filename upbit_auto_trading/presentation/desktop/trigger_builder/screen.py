"""Build the trigger builder screen from its services: the widget, its presenter, the preview's runner and
the reload on profile changes."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.trigger_builder.bus_relay import (
    ReloadRelay,
    follow_profile_changes,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.presenter import TriggerBuilderPresenter
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices
from upbit_auto_trading.presentation.desktop.trigger_builder.view import TriggerBuilderWidget


def build(services: TriggerBuilderServices, parent: QWidget | None = None) -> TriggerBuilderWidget:
    widget = TriggerBuilderWidget(parent)
    runner = services.work(widget)
    widget.presenter = TriggerBuilderPresenter(widget, services, runner)
    relay = ReloadRelay(widget.presenter.reload, widget)
    follow_profile_changes(services.bus, relay)
    widget.relay = relay
    # Released with plain Python objects only: when ``destroyed`` fires, the relay (a child of the widget) is
    # already deleted on the C++ side, and touching its wrapper there crashed the process.
    widget.destroyed.connect(functools.partial(_release, relay.unsubscriber(), runner.shutdown))
    widget.presenter.start()
    return widget


def _release(unsubscribe: Callable[[], None], shutdown: Callable[[], None], *_: object) -> None:
    unsubscribe()
    shutdown()  # waits (bounded) for a preview still being computed
