"""The strategies that use a saved trigger (shown before a rename or a delete)."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.trigger.ports import StrategyReferences, TriggerRepository


class FindTriggerUsers:
    def __init__(self, triggers: TriggerRepository, references: StrategyReferences) -> None:
        self._triggers = triggers
        self._references = references

    def execute(self, name: str) -> list[str]:
        """Names of the strategies whose current version uses the trigger ``name``."""
        condition = self._triggers.get(name)
        if condition is None:
            raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
        return self._references.users(condition)
