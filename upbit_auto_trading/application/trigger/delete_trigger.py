"""Delete a saved trigger by name; refused while a strategy uses it."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.application.trigger.ports import (
    StrategyReferences,
    TriggerRepository,
    TriggerStoreTransaction,
)


class DeleteTrigger:
    def __init__(
        self, triggers: TriggerRepository, references: StrategyReferences, store: TriggerStoreTransaction
    ) -> None:
        self._triggers = triggers
        self._references = references
        self._store = store

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
