"""The five priorities of the bus, highest first."""

from __future__ import annotations

from enum import IntEnum


class EventPriority(IntEnum):
    """Lower value = dispatched earlier. The order is part of the public contract."""

    CRITICAL_TRADING = 1  # orders, stop-loss / take-profit, trade life cycle
    HIGH_SAFETY = 2  # safety checks, emergency stop, handler failures
    MEDIUM_CONFIG = 3  # settings, database operations, config changes
    LOW_LOGGING = 4  # log lines, UI updates
    LOWEST_CLEANUP = 5  # clean-up, housekeeping

    @property
    def droppable(self) -> bool:
        """LOW and LOWEST may drop their oldest (or coalesce) when full; the others never drop."""
        return self >= EventPriority.LOW_LOGGING

    @property
    def index(self) -> int:
        return self.value - 1


PRIORITIES: tuple[EventPriority, ...] = tuple(EventPriority)
