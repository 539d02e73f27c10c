"""What the bus and the gate need from storage. Adapters live in infrastructure/sqlite/event_*.py;
in-memory versions for tests and container-less use in :mod:`.memory_stores`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event

ALL_HANDLERS = "*"  # a dead letter whose event reached no handler (undelivered at shutdown)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeadLetter:
    """An event a handler failed to take after every retry (or one left undelivered at shutdown).

    ``handler`` is the subscriber's stable name (``module.qualname``) or ``ALL_HANDLERS``.
    """

    event: Event
    priority: EventPriority
    handler: str
    error: str
    attempts: int
    letter_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    failed_at: datetime = field(default_factory=_now)


@dataclass(frozen=True)
class ConfigChangeRequest:
    """A request to change configuration (profile switch, restore, keys, paths, logging ...).

    ``payload`` must be JSON-able: held requests are persisted and re-applied by ``kind`` later.
    ``may_wait``: hold it while a trade is live (True) or refuse it with a reason (False).
    """

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    may_wait: bool = True
    description: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    requested_at: datetime = field(default_factory=_now)


@dataclass(frozen=True)
class HeldRequest:
    request: ConfigChangeRequest
    held_at: datetime = field(default_factory=_now)
    last_error: str = ""


class DeadLetterStore(Protocol):
    def add(self, letter: DeadLetter) -> None: ...

    def list(self) -> list[DeadLetter]:
        """Oldest first."""
        ...

    def get(self, letter_id: str) -> DeadLetter | None: ...

    def remove(self, letter_id: str) -> bool: ...


class UndeliveredEventStore(Protocol):
    def save(self, items: list[tuple[EventPriority, Event]]) -> None:
        """Append events left in the queues at shutdown, in dispatch order."""
        ...

    def take_all(self) -> list[tuple[EventPriority, Event]]:
        """Return and delete everything saved, in the order saved."""
        ...


class HeldRequestStore(Protocol):
    def add(self, held: HeldRequest) -> None: ...

    def list(self) -> list[HeldRequest]:
        """In arrival order."""
        ...

    def update_error(self, request_id: str, error: str) -> None: ...

    def remove(self, request_id: str) -> bool: ...
