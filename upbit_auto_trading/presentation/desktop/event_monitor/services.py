"""What the event monitor dock works with: the application's bus and its config-change gate. Filled in by
``container/screens.py``."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate


@dataclass(frozen=True)
class EventMonitorServices:
    bus: EventBus
    gate: ConfigChangeGate | None = None  # held config changes (none shown without it)
