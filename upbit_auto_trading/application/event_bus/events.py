"""Events the bus and the gate publish about themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class CriticalFailure(Event):
    """A handler still failed after the last retry; the failed event is now a dead letter.

    Published at HIGH_SAFETY with the failed event's correlation id and caused by it.
    """

    failed_event_id: str
    failed_event_type: str
    handler: str
    error: str
    attempts: int
    dead_letter_id: str = ""


@dataclass(frozen=True, kw_only=True)
class EventsDropped(Event):
    """LOW / LOWEST events were dropped or coalesced because their queue was full (published at most once a second)."""

    priority: str
    dropped: int
    coalesced: int


@dataclass(frozen=True, kw_only=True)
class ConfigChangeHeld(Event):
    request_id: str
    kind: str
    description: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ConfigChangeApplied(Event):
    request_id: str
    kind: str
    description: str
    was_held: bool = False


@dataclass(frozen=True, kw_only=True)
class ConfigChangeRefused(Event):
    request_id: str
    kind: str
    description: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ConfigChangeCancelled(Event):
    request_id: str
    kind: str
    description: str


@dataclass(frozen=True, kw_only=True)
class ConfigChangeFailed(Event):
    """A held request's applier raised when it was released; the request stays held for the user."""

    request_id: str
    kind: str
    description: str
    error: str


@dataclass(frozen=True, kw_only=True)
class LogLineEvent(Event):
    """One log record, carried to the log dock at LOW_LOGGING. ``timestamp`` is the record's time.

    ``time`` and ``component`` mirror the logging sink's line, so a log view takes either.
    """

    level: str
    logger: str
    message: str

    @property
    def time(self) -> datetime:
        return self.timestamp

    @property
    def component(self) -> str:
        return self.logger
