"""List saved strategies (current versions), optionally filtered by a search text."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository


class ListStrategies:
    def __init__(self, strategies: StrategyRepository) -> None:
        self._strategies = strategies

    def execute(self, search: str = "") -> Sequence[StoredStrategy]:
        return self._strategies.list(search.strip())
