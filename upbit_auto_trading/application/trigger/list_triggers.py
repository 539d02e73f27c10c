"""List saved triggers, optionally filtered by a search text."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.trigger.ports import TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition


class ListTriggers:
    def __init__(self, triggers: TriggerRepository) -> None:
        self._triggers = triggers

    def execute(self, search: str = "") -> Sequence[TradingCondition]:
        return self._triggers.list(search.strip())
