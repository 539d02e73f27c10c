"""Save an edited strategy as its next version (earlier versions stay readable)."""

from __future__ import annotations

from typing import Any

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.strategy.create_strategy import as_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository, TriggerNames
from upbit_auto_trading.application.strategy.references import require_triggers
from upbit_auto_trading.domain.strategy import Strategy


class SaveStrategyVersion:
    def __init__(self, strategies: StrategyRepository, triggers: TriggerNames) -> None:
        self._strategies = strategies
        self._triggers = triggers

    def execute(self, strategy_id: int, document: Strategy | dict[str, Any]) -> StoredStrategy:
        current = self._strategies.get_by_id(strategy_id)
        if current is None:
            raise NotFoundError(f"Strategy {strategy_id} no longer exists; save it as a new strategy")
        strategy = as_strategy(document)
        require_triggers(self._triggers, strategy)
        if strategy == current.strategy:
            return current  # nothing changed: no new version
        return self._strategies.save_version(strategy_id, strategy)
