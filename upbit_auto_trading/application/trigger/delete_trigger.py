"""Delete a saved trigger by name."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.trigger.ports import TriggerRepository


class DeleteTrigger:
    def __init__(self, triggers: TriggerRepository) -> None:
        self._triggers = triggers

    def execute(self, name: str) -> None:
        existing = self._triggers.get(name)
        if existing is None or existing.condition_id is None:
            raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
        self._triggers.delete(existing.condition_id)
