"""The saved versions of one strategy, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StrategyRepository, StrategyVersionInfo


class ListStrategyVersions:
    def __init__(self, strategies: StrategyRepository) -> None:
        self._strategies = strategies

    def execute(self, name_or_id: str | int) -> Sequence[StrategyVersionInfo]:
        return self._strategies.versions(find_strategy(self._strategies, name_or_id).strategy_id)
