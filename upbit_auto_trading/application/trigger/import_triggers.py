"""Import triggers from an exported document; every trigger is validated before anything is saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.dto import EXPORT_FORMAT, draft_from_dict
from upbit_auto_trading.application.trigger.duplicate_trigger import free_name
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository
from upbit_auto_trading.domain.errors import DomainError

ON_CONFLICT = ("rename", "skip", "replace")


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


class ImportTriggers:
    def __init__(self, triggers: TriggerRepository, catalogue: CatalogueRepository) -> None:
        self._triggers = triggers
        self._catalogue = catalogue

    def execute(self, document: Mapping[str, Any], on_conflict: str = "rename") -> ImportResult:
        if on_conflict not in ON_CONFLICT:
            raise ApplicationError(f"on_conflict must be one of {', '.join(ON_CONFLICT)}")
        if not isinstance(document, Mapping) or document.get("format") != EXPORT_FORMAT:
            raise ApplicationError(f'Not a trigger export (expected "format": "{EXPORT_FORMAT}")')
        items = document.get("triggers")
        if not isinstance(items, list):
            raise ApplicationError('The export has no "triggers" list')
        catalogue = self._catalogue.load()
        conditions = []
        for position, item in enumerate(items, start=1):
            try:
                conditions.append(draft_from_dict(item).build(catalogue))
            except (DomainError, ApplicationError) as exc:
                label = item.get("name", f"#{position}") if isinstance(item, Mapping) else f"#{position}"
                raise ApplicationError(f"Trigger {label!r} cannot be imported: {exc}") from exc
        result = ImportResult()
        for condition in conditions:
            existing = self._triggers.get(condition.name)
            if existing is None:
                self._triggers.add(condition)
                result.imported.append(condition.name)
            elif on_conflict == "skip":
                result.skipped.append(condition.name)
            elif on_conflict == "replace":
                condition.condition_id = existing.condition_id
                condition.created_at = existing.created_at
                self._triggers.update(condition)
                result.replaced.append(condition.name)
            else:
                renamed = condition.renamed(free_name(self._triggers, condition.name))
                self._triggers.add(renamed)
                result.imported.append(renamed.name)
        return result
