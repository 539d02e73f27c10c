"""Save an edited strategy as its next version (earlier versions stay readable)."""

from __future__ import annotations

import logging
from typing import Any

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.announce import announce_saved
from upbit_auto_trading.application.strategy.create_strategy import as_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository, TriggerNames
from upbit_auto_trading.application.strategy.references import require_triggers
from upbit_auto_trading.domain.strategy import Strategy

log = logging.getLogger(__name__)


class SaveStrategyVersion:
    def __init__(
        self, strategies: StrategyRepository, triggers: TriggerNames, publisher: EventPublisher | None = None
    ) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._publisher = publisher or NoPublisher()

    def execute(self, strategy_id: int, document: Strategy | dict[str, Any]) -> StoredStrategy:
        current = self._strategies.get_by_id(strategy_id)
        if current is None:
            raise NotFoundError(f"Strategy {strategy_id} no longer exists; save it as a new strategy")
        strategy = as_strategy(document)
        require_triggers(self._triggers, strategy)
        if strategy == current.strategy:
            log.debug("strategy %r unchanged: no new version", current.name)
            return current  # nothing changed: no new version, nothing to announce
        stored = self._strategies.save_version(strategy_id, strategy)
        announce_saved(self._publisher, stored, "new_version")
        return stored
