"""Trigger import decisions in the trigger builder: ask the view per conflict (with "apply to all"), and the
report shown afterwards. No Qt."""

from __future__ import annotations

from typing import Protocol

from upbit_auto_trading.application.trigger.import_triggers import (
    ConflictChoice,
    ImportResult,
    TriggerConflict,
)
from upbit_auto_trading.presentation.desktop.i18n import tr


class ImportCancelled(Exception):
    """The user closed the conflict dialog: the import stops before anything is written."""


class ConflictView(Protocol):
    def ask_import_conflict(self, conflict: TriggerConflict) -> tuple[ConflictChoice, bool] | None:
        """(rename | skip | replace, apply to all the remaining conflicts), or None to cancel the import."""
        ...


class ConflictAsker:
    """The import use case's resolver: one question per conflict until the user picks "apply to all"."""

    def __init__(self, view: ConflictView) -> None:
        self._view = view
        self._for_all: ConflictChoice | None = None

    def __call__(self, conflict: TriggerConflict) -> ConflictChoice:
        if self._for_all is not None:
            return self._for_all
        answer = self._view.ask_import_conflict(conflict)
        if answer is None:
            raise ImportCancelled
        choice, for_all = answer
        if for_all:
            self._for_all = choice
        return choice


def import_report(result: ImportResult) -> str:
    """One line per kind of outcome that happened, e.g. "Imported 2 triggers / 3 skipped (identical)"."""
    lines = []
    if result.imported:
        lines.append(tr(f"{len(result.imported)}개 가져옴", f"Imported {len(result.imported)} triggers"))
    for old, new in result.renamed:
        lines.append(tr(f"'{old}' → '{new}'(으)로 가져옴", f"'{old}' imported as '{new}'"))
    if result.replaced:
        lines.append(tr(f"{len(result.replaced)}개 덮어씀", f"{len(result.replaced)} replaced"))
    if result.skipped:
        lines.append(
            tr(
                f"{len(result.skipped)}개 건너뜀 (저장된 것 유지)",
                f"{len(result.skipped)} skipped (kept the saved one)",
            )
        )
    if result.identical:
        lines.append(
            tr(f"{len(result.identical)}개 건너뜀 (동일)", f"{len(result.identical)} skipped (identical)")
        )
    return "\n".join(lines) or tr("파일에 트리거가 없습니다", "The file holds no triggers")
