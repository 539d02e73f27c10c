"""Port: announce a domain event (a saved trigger, a finished backtest, a restored backup ...).

One way for every use case that changes data. The composition root gives each one the same adapter: the
bus's ``BusPublisher`` (``application/event_bus/publisher.py``) where a bus runs, the ``NullPublisher``
where none does (the CLI). Publishing never fails the use case: the data is already stored when the event
goes out, and the log line is the record.
"""

from __future__ import annotations

import logging
from typing import Protocol

from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)


class EventPublisher(Protocol):
    def publish(self, event: Event) -> None: ...


class NullPublisher:
    """Where no event bus runs (the CLI; a use case built without the container): events go nowhere, by
    construction rather than by a bus found not running. ``reason`` says why, in the DEBUG line."""

    def __init__(self, reason: str = "no event bus in this process") -> None:
        self._reason = reason

    def publish(self, event: Event) -> None:
        log.debug("%s not published: %s", event.event_type, self._reason)


# the name the use cases' defaults use (built without the container: tests, scripts)
NoPublisher = NullPublisher
