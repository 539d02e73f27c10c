"""Copy a saved trigger under a new (or generated) name."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.trigger.ports import TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.events import TriggerSaved

log = logging.getLogger(__name__)


def free_name(triggers: TriggerRepository, base: str) -> str:
    """``base`` if unused, else ``base (2)``, ``base (3)`` ..."""
    if triggers.get(base) is None:
        return base
    number = 2
    while triggers.get(f"{base} ({number})") is not None:
        number += 1
    return f"{base} ({number})"


class DuplicateTrigger:
    def __init__(self, triggers: TriggerRepository, publisher: EventPublisher | None = None) -> None:
        self._triggers = triggers
        self._publisher = publisher or NoPublisher()

    def execute(self, name: str, new_name: str | None = None) -> TradingCondition:
        existing = self._triggers.get(name)
        if existing is None:
            raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
        if new_name and self._triggers.get(new_name) is not None:
            raise ConflictError(f"A trigger named {new_name!r} already exists; choose another name")
        copy = self._triggers.add(existing.renamed(new_name or free_name(self._triggers, existing.name)))
        log.info("trigger %r duplicated as %r (id %s)", existing.name, copy.name, copy.condition_id)
        self._publisher.publish(
            TriggerSaved(
                source="trigger",
                trigger_id=copy.condition_id or 0,
                name=copy.name,
                change="duplicated",
                previous_name=existing.name,
            )
        )
        return copy
