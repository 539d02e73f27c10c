"""Change a saved trigger (any field, including its name)."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition


class EditTrigger:
    def __init__(self, triggers: TriggerRepository, catalogue: CatalogueRepository) -> None:
        self._triggers = triggers
        self._catalogue = catalogue

    def execute(self, name: str, draft: TriggerDraft) -> TradingCondition:
        existing = self._triggers.get(name)
        if existing is None:
            raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
        condition = draft.build(
            self._catalogue.load(), condition_id=existing.condition_id, created_at=existing.created_at
        )
        other = self._triggers.get(condition.name)
        if other is not None and other.condition_id != existing.condition_id:
            raise ConflictError(f"A trigger named {condition.name!r} already exists; choose another name")
        return self._triggers.update(condition)
