"""Delete a strategy and all its versions (stored backtests keep their own snapshot)."""

from __future__ import annotations

from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository


class DeleteStrategy:
    def __init__(self, strategies: StrategyRepository) -> None:
        self._strategies = strategies

    def execute(self, name_or_id: str | int) -> StoredStrategy:
        stored = find_strategy(self._strategies, name_or_id)
        self._strategies.delete(stored.strategy_id)
        return stored
