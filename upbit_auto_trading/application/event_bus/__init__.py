"""The prioritised event bus: ordering, retries, dead letters, bounded queues and the config-change gate.

Public surface::

    from upbit_auto_trading.application.event_bus import EventBus, EventPriority, Event
    from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate, ConfigChangeRequest, GateOutcome
"""

from __future__ import annotations

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.errors import (
    BusClosedError,
    BusNotRunningError,
    EventBusError,
    QueueFullError,
)
from upbit_auto_trading.application.event_bus.events import CriticalFailure, EventsDropped, LogLineEvent
from upbit_auto_trading.application.event_bus.ports import DeadLetter
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.event_bus.retry import RetryPolicy
from upbit_auto_trading.domain.events import Event

__all__ = [
    "BusClosedError",
    "BusNotRunningError",
    "CriticalFailure",
    "DeadLetter",
    "Event",
    "EventBus",
    "EventBusError",
    "EventPriority",
    "EventsDropped",
    "LogLineEvent",
    "QueueFullError",
    "RetryPolicy",
]
