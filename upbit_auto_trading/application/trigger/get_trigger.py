"""One saved trigger by name."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.trigger.ports import TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition


class GetTrigger:
    def __init__(self, triggers: TriggerRepository) -> None:
        self._triggers = triggers

    def execute(self, name: str) -> TradingCondition:
        condition = self._triggers.get(name)
        if condition is None:
            raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
        return condition
