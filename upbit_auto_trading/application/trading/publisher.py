"""How the trading context publishes events: a bus when one runs (the desktop, ``trade run``), else a no-op."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)

Publish = Callable[[Event, EventPriority], Awaitable[None]]


class PriorityBus(Protocol):
    """What the trading context needs of the event bus (``EventBus.publish``)."""

    async def publish(self, event: Event, priority: EventPriority) -> None: ...


async def _nowhere(event: Event, priority: EventPriority) -> None:
    return None


def bus_publisher(bus: PriorityBus | None) -> Publish:
    """``bus.publish`` when the bus is running; publishing never fails the money path (a full or stopped
    bus is logged, the order goes on: the journal, not the bus, is the record)."""
    if bus is None:
        return _nowhere

    async def publish(event: Event, priority: EventPriority) -> None:
        try:
            await bus.publish(event, priority)
        except Exception as exc:  # noqa: BLE001 - the bus is a notification channel here
            log.warning("event %s not published: %s", event.event_type, exc)

    return publish
