"""Delete a strategy and all its versions (stored backtests keep their own snapshot)."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository
from upbit_auto_trading.domain.strategy.events import StrategyDeleted

log = logging.getLogger(__name__)


class DeleteStrategy:
    def __init__(self, strategies: StrategyRepository, publisher: EventPublisher | None = None) -> None:
        self._strategies = strategies
        self._publisher = publisher or NoPublisher()

    def execute(self, name_or_id: str | int) -> StoredStrategy:
        stored = find_strategy(self._strategies, name_or_id)
        self._strategies.delete(stored.strategy_id)
        log.info(
            "strategy %r deleted (id %s, last version %s)", stored.name, stored.strategy_id, stored.version
        )
        self._publisher.publish(
            StrategyDeleted(
                source="strategy", strategy_id=stored.strategy_id, name=stored.name, version=stored.version
            )
        )
        return stored
