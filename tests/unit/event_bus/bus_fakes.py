"""Events and helpers shared by the event-bus unit tests."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.event_bus import Event, EventBus, EventPriority, RetryPolicy
from upbit_auto_trading.application.event_bus.memory_stores import (
    InMemoryDeadLetterStore,
    InMemoryUndeliveredStore,
)


@dataclass(frozen=True, kw_only=True)
class Ping(Event):
    n: int = 0


@dataclass(frozen=True, kw_only=True)
class SubPing(Ping):
    extra: str = ""


@dataclass(frozen=True, kw_only=True)
class Other(Event):
    n: int = 0


@dataclass(frozen=True, kw_only=True)
class Progress(Event):
    task: str
    percent: int

    @property
    def coalesce_key(self) -> str:
        return f"progress:{self.task}"


def make_bus(**kwargs: object) -> tuple[EventBus, InMemoryDeadLetterStore, InMemoryUndeliveredStore]:
    dead = InMemoryDeadLetterStore()
    undelivered = InMemoryUndeliveredStore()
    kwargs.setdefault("retry", RetryPolicy(max_retries=3, base_delay=0.001, factor=2.0))
    bus = EventBus(dead_letters=dead, undelivered=undelivered, **kwargs)  # type: ignore[arg-type]
    return bus, dead, undelivered


ALL = list(EventPriority)
