"""The base of every event: immutable, typed, traceable along a causal chain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime


def _new_id() -> str:
    return uuid.uuid4().hex


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened. Subclass it with frozen dataclasses.

    ``correlation_id`` names the whole chain (candle -> signal -> order -> fill); it defaults to the
    event's own id, so the first event of a chain starts it. ``causation_id`` is the id of the event
    that directly caused this one (None for a chain's first event).
    """

    event_id: str = field(default_factory=_new_id)
    timestamp: datetime = field(default_factory=_utc_now)
    source: str = ""
    correlation_id: str = ""
    causation_id: str | None = None

    def __post_init__(self) -> None:
        if not self.correlation_id:
            object.__setattr__(self, "correlation_id", self.event_id)

    def caused(self, event: Event) -> Event:
        """Return ``event`` as a consequence of this one: same correlation, caused by this id."""
        return replace(event, correlation_id=self.correlation_id, causation_id=self.event_id)

    @property
    def event_type(self) -> str:
        return type(self).__name__
