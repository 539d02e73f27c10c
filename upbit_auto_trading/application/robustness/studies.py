"""Stored studies: one sweep as its report, the list, deleting one."""

from __future__ import annotations

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.robustness.dto import StudySummary
from upbit_auto_trading.application.robustness.ports import StudyStore
from upbit_auto_trading.application.robustness.report import SweepReport, build_report
from upbit_auto_trading.application.robustness.resume_sweep import stored_sweep


class GetSweep:
    def __init__(self, store: StudyStore) -> None:
        self._store = store

    def execute(self, study_id: int) -> SweepReport:
        """The ranked table and the overfitting card of what the sweep evaluated (also a sweep that is
        still running or was cancelled)."""
        stored = stored_sweep(self._store, study_id)
        return build_report(stored.summary, stored.definition, self._store.cells(study_id))


class ListStudies:
    def __init__(self, store: StudyStore) -> None:
        self._store = store

    def execute(self, kind: str | None = None) -> list[StudySummary]:
        """Sweeps and walk-forwards (or only ``kind``), newest first."""
        return self._store.list(kind)


class DeleteStudy:
    def __init__(self, store: StudyStore) -> None:
        self._store = store

    def execute(self, study_id: int) -> None:
        if not self._store.delete(study_id):
            raise NotFoundError(f"No sweep or walk-forward {study_id}; `sweep list` shows the stored ones")
