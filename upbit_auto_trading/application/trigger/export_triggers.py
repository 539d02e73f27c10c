"""Export saved triggers as one JSON-able document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.trigger.dto import EXPORT_FORMAT, EXPORT_VERSION, trigger_to_dict
from upbit_auto_trading.application.trigger.ports import CatalogueRepository, TriggerRepository


class ExportTriggers:
    def __init__(self, triggers: TriggerRepository, catalogue: CatalogueRepository) -> None:
        self._triggers = triggers
        self._catalogue = catalogue

    def execute(self, names: Sequence[str] = ()) -> dict[str, Any]:
        """All triggers, or only ``names`` (each must exist)."""
        if names:
            chosen = []
            for name in names:
                condition = self._triggers.get(name)
                if condition is None:
                    raise NotFoundError(f"No trigger named {name!r}; `triggers list` shows the saved ones")
                chosen.append(condition)
        else:
            chosen = list(self._triggers.list())
        items = []
        for condition in chosen:
            item = trigger_to_dict(condition)
            for key in ("id", "summary", "created_at", "updated_at"):
                item.pop(key, None)
            items.append(item)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "catalogue_version": self._catalogue.load().version,
            "triggers": items,
        }
