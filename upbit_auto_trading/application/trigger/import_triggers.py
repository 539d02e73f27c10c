"""Import triggers from an exported document.

Every trigger is validated first, then compared with the stored trigger of the same name: an identical one
is skipped (importing an export again adds nothing), a different one is a conflict decided by ``on_conflict``
(a fixed policy, or a function asking the user). Every decision is made before anything is written, and the
writes are one transaction: a refused question or a failed write leaves the triggers as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.trigger.comparison import definition_differences
from upbit_auto_trading.application.trigger.dto import EXPORT_FORMAT, draft_from_dict
from upbit_auto_trading.application.trigger.ports import (
    CatalogueRepository,
    TriggerRepository,
    TriggerStoreTransaction,
)
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.events import TriggersImported

log = logging.getLogger(__name__)


class ConflictChoice(StrEnum):
    RENAME = "rename"  # keep the stored one, save the imported one as "name (2)"
    SKIP = "skip"  # keep the stored one, drop the imported one
    REPLACE = "replace"  # overwrite the stored one (same id: strategies using it follow)


ON_CONFLICT = tuple(choice.value for choice in ConflictChoice)


@dataclass(frozen=True)
class TriggerConflict:
    """An imported trigger whose name is taken by a different definition."""

    name: str
    stored: TradingCondition
    incoming: TradingCondition
    differences: tuple[str, ...]  # "field: stored -> incoming", one per differing field
    rename_to: str  # the name RENAME would save it under


ConflictResolver = Callable[[TriggerConflict], ConflictChoice | str]


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)  # new, under their own name
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (name in the file, name saved)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # different, kept the stored one (the user's choice)
    # already stored as they are (or as the "name (2)" an earlier import saved them as): nothing written
    identical: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``"2 imported, 3 skipped (identical)"``: the non-zero parts, or ``"nothing in the file"``."""
        parts = [
            (len(self.imported), "imported"),
            (len(self.renamed), "imported under a new name"),
            (len(self.replaced), "replaced"),
            (len(self.skipped), "skipped (different, kept the saved one)"),
            (len(self.identical), "skipped (identical)"),
        ]
        return ", ".join(f"{count} {label}" for count, label in parts if count) or "nothing in the file"


@dataclass
class _Write:
    condition: TradingCondition
    replaces: TradingCondition | None = None  # the stored trigger it overwrites (None: a new one)


class ImportTriggers:
    def __init__(
        self,
        triggers: TriggerRepository,
        catalogue: CatalogueRepository,
        store: TriggerStoreTransaction,
        publisher: EventPublisher | None = None,
    ) -> None:
        self._triggers = triggers
        self._catalogue = catalogue
        self._store = store
        self._publisher = publisher or NoPublisher()

    def execute(
        self, document: Mapping[str, Any], on_conflict: str | ConflictResolver = ConflictChoice.RENAME
    ) -> ImportResult:
        """``on_conflict``: rename | skip | replace for every conflict, or a function called once per
        conflict (before anything is written; what it raises propagates and nothing is imported)."""
        resolve = _resolver(on_conflict)
        # A copy saved by an earlier import ("name (2)", identical to the file's) means it is already here,
        # unless the caller said to overwrite the saved one whatever happened before.
        copies_count = on_conflict != ConflictChoice.REPLACE
        conditions = self._validated(document)
        result = ImportResult()
        writes: dict[str, _Write] = {}  # by the name it is saved under, in file order
        for incoming in conditions:
            self._plan(incoming, writes, resolve, result, copies_count)
        if writes:
            with self._store.transaction():
                self._write(writes.values())
        self._announce(result)
        return result

    def _plan(
        self,
        incoming: TradingCondition,
        writes: dict[str, _Write],
        resolve: ConflictResolver,
        result: ImportResult,
        copies_count: bool,
    ) -> None:
        """Decide what ``incoming`` becomes (into ``writes`` and ``result``); writes nothing yet."""
        planned = writes.get(incoming.name)  # the file itself named it before
        current = planned.condition if planned is not None else self._triggers.get(incoming.name)
        if current is None:
            writes[incoming.name] = _Write(incoming)
            result.imported.append(incoming.name)
            return
        differences = definition_differences(current, incoming)
        rename_to, copy_is_identical = self._copy_name(incoming, writes) if differences else ("", False)
        if not differences or (copy_is_identical and copies_count):
            result.identical.append(incoming.name)
            return
        choice = ConflictChoice(
            resolve(TriggerConflict(incoming.name, current, incoming, differences, rename_to))
        )
        if choice is ConflictChoice.SKIP:
            result.skipped.append(incoming.name)
        elif choice is ConflictChoice.RENAME:
            writes[rename_to] = _Write(incoming.renamed(rename_to))
            result.renamed.append((incoming.name, rename_to))
        elif planned is not None:  # replace what this import was going to write: the later one wins
            planned.condition = _keeping_identity(incoming, planned.replaces)
        else:
            writes[incoming.name] = _Write(_keeping_identity(incoming, current), replaces=current)
            result.replaced.append(incoming.name)

    def _write(self, writes: Iterable[_Write]) -> None:
        for write in writes:
            if write.replaces is None:
                self._triggers.add(write.condition)
            else:
                self._triggers.update(write.condition)

    def _validated(self, document: Mapping[str, Any]) -> list[TradingCondition]:
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
        return conditions

    def _copy_name(self, incoming: TradingCondition, writes: Mapping[str, _Write]) -> tuple[str, bool]:
        """Walk ``name (2)``, ``name (3)`` ...: (a copy with the same definition, True), else (the first name
        taken neither in the store nor by this import, False)."""
        number = 2
        while True:
            name = f"{incoming.name} ({number})"
            planned = writes.get(name)
            copy = planned.condition if planned is not None else self._triggers.get(name)
            if copy is None:
                return name, False
            if not definition_differences(copy, incoming):
                return name, True
            number += 1

    def _announce(self, result: ImportResult) -> None:
        log.info("triggers imported: %s", result.summary())
        self._publisher.publish(
            TriggersImported(
                source="trigger",
                imported=tuple(result.imported),
                renamed=tuple(result.renamed),
                replaced=tuple(result.replaced),
                skipped=tuple(result.skipped),
                identical=tuple(result.identical),
            )
        )


def _keeping_identity(incoming: TradingCondition, stored: TradingCondition | None) -> TradingCondition:
    """The imported definition under the stored trigger's id and creation time (None: a new trigger)."""
    if stored is not None:
        incoming.condition_id = stored.condition_id
        incoming.created_at = stored.created_at
    return incoming


def _resolver(on_conflict: str | ConflictResolver) -> ConflictResolver:
    if callable(on_conflict):
        return on_conflict
    if on_conflict not in ON_CONFLICT:
        raise ApplicationError(f"on_conflict must be one of {', '.join(ON_CONFLICT)}")
    choice = ConflictChoice(on_conflict)
    return lambda conflict: choice
