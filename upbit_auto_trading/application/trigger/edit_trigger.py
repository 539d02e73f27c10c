"""Change a saved trigger (any field, including its name).

Strategies reference triggers by name, so a rename also renames the references in every strategy that
uses the trigger, each saved as its next version, in the same transaction as the rename (all or nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import (
    CatalogueRepository,
    StrategyReferences,
    TriggerRepository,
    TriggerStoreTransaction,
)
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.events import TriggerSaved

log = logging.getLogger(__name__)


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
        publisher: EventPublisher | None = None,
    ) -> None:
        self._triggers = triggers
        self._catalogue = catalogue
        self._references = references
        self._store = store
        self._publisher = publisher or NoPublisher()

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
                edited = EditedTrigger(self._triggers.update(condition))
            else:
                other = self._triggers.get(condition.name)
                if other is not None and other.condition_id != existing.condition_id:
                    raise ConflictError(
                        f"A trigger named {condition.name!r} already exists; choose another name"
                    )
                updated = self._references.rename(existing, condition.name)  # resolves the old name: first
                edited = EditedTrigger(self._triggers.update(condition), existing.name, tuple(updated))
        self._announce(edited)  # after the commit: nothing is announced that a rollback took back
        return edited

    def _announce(self, edited: EditedTrigger) -> None:
        saved = edited.condition
        if edited.renamed_from:
            log.info(
                "trigger %r renamed to %r (id %s): %s; %d strategy(ies) saved as a new version",
                edited.renamed_from, saved.name, saved.condition_id, saved.describe(),
                len(edited.updated_strategies),
            )  # fmt: skip
        else:
            log.info("trigger %r edited (id %s): %s", saved.name, saved.condition_id, saved.describe())
        self._publisher.publish(
            TriggerSaved(
                source="trigger",
                trigger_id=saved.condition_id or 0,
                name=saved.name,
                change="edited",
                previous_name=edited.renamed_from or "",
                updated_strategies=edited.updated_strategies,
            )
        )
