"""Delete a saved trigger by name; refused while a strategy uses it."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.application.trigger.ports import (
    StrategyReferences,
    TriggerRepository,
    TriggerStoreTransaction,
)
from upbit_auto_trading.domain.trigger.events import TriggerDeleted

log = logging.getLogger(__name__)


class DeleteTrigger:
    def __init__(
        self,
        triggers: TriggerRepository,
        references: StrategyReferences,
        store: TriggerStoreTransaction,
        publisher: EventPublisher | None = None,
    ) -> None:
        self._triggers = triggers
        self._references = references
        self._store = store
        self._publisher = publisher or NoPublisher()

    def execute(self, name: str) -> None:
        """Raises NotFoundError, or TriggerInUseError listing the strategies that use it."""
        with self._store.transaction():
            existing = self._triggers.get(name)
            if existing is None or existing.condition_id is None:
                raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
            users = self._references.users(existing)
            if users:
                raise TriggerInUseError(existing.name, users)
            self._triggers.delete(existing.condition_id)
        log.info("trigger %r deleted (id %s)", existing.name, existing.condition_id)
        self._publisher.publish(
            TriggerDeleted(source="trigger", trigger_id=existing.condition_id, name=existing.name)
        )
