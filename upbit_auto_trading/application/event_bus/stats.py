"""A snapshot of the bus's counters for the monitor and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from upbit_auto_trading.application.event_bus.priority import EventPriority


@dataclass(frozen=True)
class HandlerFailure:
    """One failed delivery attempt (attempt 1 is the first delivery)."""

    event_id: str
    event_type: str
    correlation_id: str
    handler: str
    error: str
    attempt: int
    final: bool
    at: datetime


@dataclass(frozen=True)
class BusStats:
    running: bool
    queue_depths: dict[EventPriority, int]
    queue_capacity: dict[EventPriority, int]
    published: dict[EventPriority, int]
    dispatched: dict[EventPriority, int]
    dropped: dict[EventPriority, int]
    coalesced: dict[EventPriority, int]
    handler_failures: int
    retries: int
    dead_letters: int
    forced_by_starvation_rule: int
    throughput_per_s: float  # events dispatched per second over the last sampling window
    recent_failures: tuple[HandlerFailure, ...] = field(default_factory=tuple)

    @property
    def total_queued(self) -> int:
        return sum(self.queue_depths.values())

    @property
    def total_dropped(self) -> int:
        return sum(self.dropped.values())
