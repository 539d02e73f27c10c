"""One saved strategy by name (or numeric id), at its current or a given version."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository


def find_strategy(strategies: StrategyRepository, name_or_id: str | int) -> StoredStrategy:
    if isinstance(name_or_id, int):
        stored = strategies.get_by_id(name_or_id)
    else:
        stored = strategies.get(name_or_id.strip())
        if stored is None and name_or_id.strip().isdigit():
            stored = strategies.get_by_id(int(name_or_id.strip()))
    if stored is None:
        raise NotFoundError(f"No strategy named {name_or_id!r}; `strategies list` shows the saved ones")
    return stored


class GetStrategy:
    def __init__(self, strategies: StrategyRepository) -> None:
        self._strategies = strategies

    def execute(self, name_or_id: str | int, version: int | None = None) -> StoredStrategy:
        stored = find_strategy(self._strategies, name_or_id)
        if version is None or version == stored.version:
            return stored
        old = self._strategies.get_version(stored.strategy_id, version)
        if old is None:
            raise NotFoundError(
                f"Strategy {stored.name!r} has no version {version}; it has versions 1 to {stored.version}"
            )
        return old
