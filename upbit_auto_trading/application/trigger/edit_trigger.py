"""Change a saved trigger (any field, including its name).

Strategies reference triggers by name, so a rename also renames the references in every strategy that
uses the trigger, each saved as its next version, in the same transaction as the rename (all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import (
    CatalogueRepository,
    StrategyReferences,
    TriggerRepository,
    TriggerStoreTransaction,
)
from upbit_auto_trading.domain.trigger.condition import TradingCondition


@dataclass(frozen=True)
class EditedTrigger:
    condition: TradingCondition
    renamed_from: str | None = None  # the previous name when the edit renamed the trigger
    updated_strategies: tuple[str, ...] = ()  # strategies saved as a new version with the new name


class EditTrigger:
    def __init__(
        self,
        triggers: TriggerRepository,
        catalogue: CatalogueRepository,
        references: StrategyReferences,
        store: TriggerStoreTransaction,
    ) -> None:
        self._triggers = triggers
        self._catalogue = catalogue
        self._references = references
        self._store = store

    def execute(self, name: str, draft: TriggerDraft) -> EditedTrigger:
        catalogue = self._catalogue.load()
        with self._store.transaction():
            existing = self._triggers.get(name)
            if existing is None:
                raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
            condition = draft.build(
                catalogue, condition_id=existing.condition_id, created_at=existing.created_at
            )
            if condition.name == existing.name:
                return EditedTrigger(self._triggers.update(condition))
            other = self._triggers.get(condition.name)
            if other is not None and other.condition_id != existing.condition_id:
                raise ConflictError(f"A trigger named {condition.name!r} already exists; choose another name")
            updated = self._references.rename(existing, condition.name)  # resolves the old name: first
            saved = self._triggers.update(condition)
        return EditedTrigger(saved, existing.name, tuple(updated))
