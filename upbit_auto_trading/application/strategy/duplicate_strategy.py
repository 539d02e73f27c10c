"""Copy a strategy under a new name (version 1 of the copy)."""

from __future__ import annotations

from dataclasses import replace

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.announce import announce_saved
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository


def free_copy_name(strategies: StrategyRepository, name: str) -> str:
    base = f"{name} (copy)"
    candidate, n = base, 2
    while strategies.get(candidate) is not None:
        candidate = f"{name} (copy {n})"
        n += 1
    return candidate


class DuplicateStrategy:
    def __init__(self, strategies: StrategyRepository, publisher: EventPublisher | None = None) -> None:
        self._strategies = strategies
        self._publisher = publisher or NoPublisher()

    def execute(self, name_or_id: str | int, new_name: str | None = None) -> StoredStrategy:
        source = find_strategy(self._strategies, name_or_id)
        target = (new_name or "").strip() or free_copy_name(self._strategies, source.name)
        if self._strategies.get(target) is not None:
            raise ConflictError(f"A strategy named {target!r} already exists; choose another name")
        copy = replace(source.strategy, name=target, strategy_id=None, version=None)
        stored = self._strategies.add(copy)
        announce_saved(self._publisher, stored, "duplicated")
        return stored
