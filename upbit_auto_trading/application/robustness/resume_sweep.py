"""Continue a sweep that was cancelled or interrupted, from the cells it stored, on the same data."""

from __future__ import annotations

from collections.abc import Callable

from upbit_auto_trading.application.backtest.run_backtest import utc_now
from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.robustness.dto import COMPLETED, RUNNING, SWEEP, ExecutorSpec, StoredStudy
from upbit_auto_trading.application.robustness.execution import StudyExecution, SweepOutcome
from upbit_auto_trading.application.robustness.job import SweepJob
from upbit_auto_trading.application.robustness.ports import ExecutorFactory, SamplerFactory, StudyStore
from upbit_auto_trading.application.robustness.preparation import (
    InputLoader,
    load_segment,
    refuse_changed_data,
)
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback


def stored_sweep(store: StudyStore, study_id: int) -> StoredStudy:
    stored = store.get(study_id)
    if stored is None or stored.definition.kind != SWEEP:
        raise NotFoundError(f"No sweep {study_id}; `sweep list` shows the stored ones")
    return stored


def study_job(loader: InputLoader, candles: CandleReader, stored: StoredStudy) -> SweepJob:
    """The job of a stored sweep, from its lineage (snapshots, period, costs); refused when the candles
    changed since (its cells would not compare)."""
    d = stored.definition
    inputs = loader.from_lineage(d)
    segments = {m: load_segment(candles, m, d.timeframe, d.start, d.end, d.costs, inputs.conditions)
                for m in d.markets}  # fmt: skip
    refuse_changed_data(segments, d.data_hashes, stored.summary.study_id)
    return SweepJob(inputs.strategy, inputs.conditions, inputs.catalogue, segments)


class ResumeSweep:
    def __init__(
        self,
        loader: InputLoader,
        candles: CandleReader,
        store: StudyStore,
        executors: ExecutorFactory | None = None,
        optuna: SamplerFactory | None = None,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self._loader, self._candles, self._store = loader, candles, store
        self._execution = StudyExecution(store, executors, optuna, clock)

    def execute(
        self,
        study_id: int,
        executor: ExecutorSpec | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> SweepOutcome:
        """Runs the cells the sweep has not stored yet; a completed sweep is returned as it is."""
        stored = stored_sweep(self._store, study_id)
        if stored.summary.status == COMPLETED:
            return self._execution.outcome(study_id, COMPLETED)
        if progress is not None:
            progress(Progress(0, 1, "loading"))
        job = study_job(self._loader, self._candles, stored)
        if stored.summary.status != RUNNING:
            self._store.set_status(study_id, RUNNING)
        return self._execution.run(study_id, stored.definition, job, executor or ExecutorSpec(), progress, cancel)
