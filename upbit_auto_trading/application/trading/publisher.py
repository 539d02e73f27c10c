"""How the trading context publishes events: a bus when one runs (the desktop, ``trade run``), else a no-op.

The engine may run on a loop other than the bus's: in the desktop the bus lives on the GUI's loop and the
engine on a thread of its own (``engine_host.py``). The bus's ``publish`` is then not for it (it touches the
bus's queues and wakes its dispatcher): the event goes through the bus's loop (``publish_anywhere``) and the
engine waits until it is queued there, so a ``TradingStarted`` is counted by the config-change gate before
the order that caused it leaves, exactly as on one loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)

Publish = Callable[[Event, EventPriority], Awaitable[None]]

CROSS_THREAD_TIMEOUT = 10.0
"""Seconds the engine waits for its event to be queued on another thread's bus: longer than the bus's own
wait for room in a full queue (5 s), so only a loop that no longer runs (the app closing) makes it give up."""


class PriorityBus(Protocol):
    """What the trading context needs of the event bus (``EventBus``)."""

    async def publish(self, event: Event, priority: EventPriority) -> None: ...

    def in_loop_thread(self) -> bool: ...

    def publish_anywhere(
        self, event: Event, priority: EventPriority
    ) -> concurrent.futures.Future[None] | None: ...


async def _nowhere(event: Event, priority: EventPriority) -> None:
    return None


def bus_publisher(bus: PriorityBus | None) -> Publish:
    """Publishes on ``bus`` from whichever loop the caller runs on; publishing never fails the money path (a
    full or stopped bus is logged, the order goes on: the journal, not the bus, is the record)."""
    if bus is None:
        return _nowhere

    async def publish(event: Event, priority: EventPriority) -> None:
        try:
            if bus.in_loop_thread():
                await bus.publish(event, priority)
                return
            queued = bus.publish_anywhere(event, priority)  # None: queued already (the bus has not started)
            if queued is not None:
                waiter = asyncio.wrap_future(queued)
                waiter.add_done_callback(_retrieve)
                # shielded: a cancelled session task stops waiting, the event still goes out
                await asyncio.wait_for(asyncio.shield(waiter), CROSS_THREAD_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the bus is a notification channel here
            log.warning("event %s not published: %s", event.event_type, exc)

    return publish


def _retrieve(waiter: asyncio.Future[None]) -> None:
    """Read the outcome, so one nobody waits for any more (timed out, cancelled) is not reported as lost."""
    if not waiter.cancelled():
        waiter.exception()
