"""Read a strategy JSON document and save it: as a new strategy, a renamed copy, or a new version."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError, ConflictError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.announce import announce_saved
from upbit_auto_trading.application.strategy.duplicate_strategy import free_copy_name
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository, TriggerNames
from upbit_auto_trading.application.strategy.references import require_triggers
from upbit_auto_trading.domain.strategy import strategy_from_dict, strategy_from_json

ON_CONFLICT = ("fail", "rename", "new_version")


class ImportStrategy:
    def __init__(
        self, strategies: StrategyRepository, triggers: TriggerNames, publisher: EventPublisher | None = None
    ) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._publisher = publisher or NoPublisher()

    def execute(self, document: str | dict[str, Any], on_conflict: str = "fail") -> StoredStrategy:
        """``on_conflict`` when the name is taken: ``fail`` (ConflictError), ``rename`` ("X (copy)"),
        ``new_version`` (save as the next version of the existing strategy)."""
        if on_conflict not in ON_CONFLICT:
            raise ApplicationError(f"on_conflict must be one of {', '.join(ON_CONFLICT)}")
        if isinstance(document, str):
            strategy = strategy_from_json(document)
        else:
            strategy = strategy_from_dict(document)
        require_triggers(self._triggers, strategy)
        existing = self._strategies.get(strategy.name)
        if existing is None:
            stored = self._strategies.add(strategy)
        elif on_conflict == "rename":
            stored = self._strategies.add(
                replace(strategy, name=free_copy_name(self._strategies, strategy.name))
            )
        elif on_conflict == "new_version":
            if strategy == existing.strategy:
                return existing  # nothing changed: no new version, nothing to announce
            stored = self._strategies.save_version(existing.strategy_id, strategy)
        else:
            raise ConflictError(
                f"A strategy named {strategy.name!r} already exists; import it renamed or as a new version"
            )
        announce_saved(self._publisher, stored, "imported")
        return stored
