"""Save a new trigger after validating it against the catalogue."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition


class CreateTrigger:
    def __init__(self, triggers: TriggerRepository, catalogue: CatalogueRepository) -> None:
        self._triggers = triggers
        self._catalogue = catalogue

    def execute(self, draft: TriggerDraft) -> TradingCondition:
        condition = draft.build(self._catalogue.load())
        if self._triggers.get(condition.name) is not None:
            raise ConflictError(f"A trigger named {condition.name!r} already exists; choose another name")
        return self._triggers.add(condition)
