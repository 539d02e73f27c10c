"""Save a new strategy (version 1) after checking that its triggers exist."""

from __future__ import annotations

from typing import Any

from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.announce import announce_saved
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository, TriggerNames
from upbit_auto_trading.application.strategy.references import require_triggers
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_dict


def as_strategy(document: Strategy | dict[str, Any]) -> Strategy:
    """A Strategy from itself or its JSON document (raises StrategyValidationError / StrategySchemaError)."""
    return document if isinstance(document, Strategy) else strategy_from_dict(document)


class CreateStrategy:
    def __init__(
        self, strategies: StrategyRepository, triggers: TriggerNames, publisher: EventPublisher | None = None
    ) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._publisher = publisher or NoPublisher()

    def execute(self, document: Strategy | dict[str, Any]) -> StoredStrategy:
        strategy = as_strategy(document)
        require_triggers(self._triggers, strategy)
        stored = self._strategies.add(strategy)
        announce_saved(self._publisher, stored, "created")
        return stored
