"""Save a new trigger after validating it against the catalogue."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.events import TriggerSaved

log = logging.getLogger(__name__)


class CreateTrigger:
    def __init__(
        self,
        triggers: TriggerRepository,
        catalogue: CatalogueRepository,
        publisher: EventPublisher | None = None,
    ) -> None:
        self._triggers = triggers
        self._catalogue = catalogue
        self._publisher = publisher or NoPublisher()

    def execute(self, draft: TriggerDraft) -> TradingCondition:
        condition = draft.build(self._catalogue.load())
        if self._triggers.get(condition.name) is not None:
            raise ConflictError(f"A trigger named {condition.name!r} already exists; choose another name")
        saved = self._triggers.add(condition)
        log.info("trigger %r created (id %s): %s", saved.name, saved.condition_id, saved.describe())
        self._publisher.publish(
            TriggerSaved(
                source="trigger", trigger_id=saved.condition_id or 0, name=saved.name, change="created"
            )
        )
        return saved
