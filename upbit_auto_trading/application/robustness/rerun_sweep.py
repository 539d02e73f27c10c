"""Re-run a stored sweep's cells from its lineage and check each gives the stored result, bit for bit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.robustness.dto import OK, CellResult, ExecutorSpec
from upbit_auto_trading.application.robustness.execution import choose_executor
from upbit_auto_trading.application.robustness.job import SweepJob
from upbit_auto_trading.application.robustness.ports import ExecutorFactory, StudyStore
from upbit_auto_trading.application.robustness.preparation import (
    InputLoader,
    changed_segments,
    load_segment,
)
from upbit_auto_trading.application.robustness.resume_sweep import stored_sweep
from upbit_auto_trading.application.robustness.runner import cell_specs
from upbit_auto_trading.domain.backtest import ENGINE_VERSION
from upbit_auto_trading.domain.robustness.space import Cell
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback


@dataclass(frozen=True)
class SweepRerunReport:
    study_id: int
    checked: int
    identical: int
    same_data: bool
    stored_engine_version: str
    engine_version: str
    differences: list[str] = field(default_factory=list)

    @property
    def all_identical(self) -> bool:
        return self.same_data and self.checked == self.identical

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "all_identical": self.all_identical}


def _sample(keys: list[str], sample: int | None) -> list[str]:
    """Every key, or ``sample`` of them spread evenly over the evaluation order (deterministic)."""
    if sample is None or sample >= len(keys):
        return keys
    step = len(keys) / max(1, sample)
    return [keys[int(i * step)] for i in range(sample)]


def _differences(stored: CellResult, fresh: CellResult) -> list[str]:
    where = f"cell {stored.key} on {stored.segment}"
    if stored.status != fresh.status:
        return [f"{where}: {stored.status} then, {fresh.status} now"]
    fields = ("result_hash", "signals_hash", "strategy_hash", "final_equity")
    out = [f"{where}: {f} differs" for f in fields if getattr(stored, f) != getattr(fresh, f)]
    if dict(stored.metrics) != dict(fresh.metrics):
        out.append(f"{where}: metrics differ")
    return out


class RerunSweep:
    def __init__(self, loader: InputLoader, candles: CandleReader, store: StudyStore,
                 executors: ExecutorFactory | None = None) -> None:  # fmt: skip
        self._loader, self._candles, self._store, self._executors = loader, candles, store, executors

    def execute(
        self,
        study_id: int,
        sample: int | None = None,
        executor: ExecutorSpec | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> SweepRerunReport:
        """Re-runs every stored cell (or ``sample`` of them) from the sweep's snapshots on today's candles."""
        stored = stored_sweep(self._store, study_id)
        d = stored.definition
        inputs = self._loader.from_lineage(d)
        segments = {m: load_segment(self._candles, m, d.timeframe, d.start, d.end, d.costs, inputs.conditions)
                    for m in d.markets}  # fmt: skip
        changed = changed_segments(segments, d.data_hashes)
        cells = [c for c in self._store.cells(study_id) if c.segment in segments]
        keys = _sample(list(dict.fromkeys(c.key for c in cells)), sample)
        by_id = {(c.key, c.segment): c for c in cells}
        specs = [s for k in keys for s in cell_specs(d.space, Cell.from_key(k), list(d.markets))]
        job = SweepJob(inputs.strategy, inputs.conditions, inputs.catalogue, segments)
        session = choose_executor(self._executors, executor or ExecutorSpec()).open(job)
        differences = [f"the candles of {name} changed since the sweep" for name in changed]
        checked = identical = 0
        try:
            for fresh in session.map(specs, cancel):
                old = by_id[(fresh.key, fresh.segment)]
                found = _differences(old, fresh)
                checked, identical = checked + 1, identical + (not found)
                differences.extend(found)
                if progress is not None:
                    progress(Progress(checked, len(specs), "cells"))
        finally:
            session.close()
        return SweepRerunReport(study_id, checked, identical, not changed, d.engine_version, ENGINE_VERSION,
                                differences)  # fmt: skip


__all__ = ["OK", "RerunSweep", "SweepRerunReport"]
