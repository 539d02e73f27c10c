"""The ``EventPublisher`` port on the event bus: every use case's domain events, at MEDIUM_CONFIG.

MEDIUM, like ``BackupCreated`` and ``ProfileSwitched``: a screen that reloads on one must not lose it to a
LOW flood, and one left queued at shutdown is kept, not dropped. Built where a bus runs (the desktop);
a process that runs none (the CLI) is given the ``NullPublisher`` instead, so nothing is published into a
bus nobody starts.
"""

from __future__ import annotations

import concurrent.futures
import logging

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.errors import EventBusError
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)


class BusPublisher:
    """From any thread, also before the bus starts (queued, dispatched once it runs). Publishing never fails
    the use case (its data is stored already and its log line is the record), but a lost event is logged
    as a warning, never dropped silently."""

    def __init__(self, bus: EventBus, priority: EventPriority = EventPriority.MEDIUM_CONFIG) -> None:
        self._bus = bus
        self._priority = priority

    def publish(self, event: Event) -> None:
        try:
            future = self._bus.publish_anywhere(event, self._priority)
        except EventBusError as exc:  # stopped, or a never-dropped queue is full
            log.warning("%s was not published on the event bus: %s", event.event_type, exc)
            return
        except Exception:  # noqa: BLE001 - e.g. a publish hook failing: the use case has done its work
            log.exception("could not publish %s", event.event_type)
            return
        if future is not None:  # from another thread: the outcome arrives later, on the loop
            future.add_done_callback(lambda done: _report(event, done))


def _report(event: Event, done: concurrent.futures.Future[None]) -> None:
    error = None if done.cancelled() else done.exception()
    if done.cancelled() or error is not None:
        log.warning("%s was not published on the event bus: %s", event.event_type, error or "cancelled")
