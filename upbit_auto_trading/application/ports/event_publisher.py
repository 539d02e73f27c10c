"""Port: announce a domain event (a saved trigger, a finished backtest, a restored backup ...).

One way for every use case that changes data: the container hands each one the same adapter
(``container.profiles.BusPublisher``: the bus at MEDIUM_CONFIG when it runs, else dropped). Publishing never
fails the use case: the data is already stored when the event goes out, and the log line is the record.
"""

from __future__ import annotations

from typing import Protocol

from upbit_auto_trading.domain.events import Event


class EventPublisher(Protocol):
    def publish(self, event: Event) -> None: ...


class NoPublisher:
    """The default of a use case built without the container (tests, scripts): events go nowhere."""

    def publish(self, event: Event) -> None:
        return None
