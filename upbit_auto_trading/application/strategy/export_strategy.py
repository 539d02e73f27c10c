"""A strategy as its JSON document (docs/strategy-schema.md)."""

from __future__ import annotations

from typing import Any

from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.domain.strategy import strategy_to_dict


class ExportStrategy:
    def __init__(self, strategies: StrategyRepository) -> None:
        self._get = GetStrategy(strategies)

    def execute(self, name_or_id: str | int, version: int | None = None) -> dict[str, Any]:
        return strategy_to_dict(self._get.execute(name_or_id, version).strategy)
