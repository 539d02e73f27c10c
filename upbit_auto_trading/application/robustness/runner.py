"""The loop every study runs: ask the sampler for cells, run them on an executor session, store each cell as
soon as all its segments are back (so a cancelled or interrupted study resumes where it stopped), report
progress, stop at a cancel."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from upbit_auto_trading.application.robustness.dto import CellResult, CellSpec
from upbit_auto_trading.application.robustness.ports import CellSampler, ExecutorSession, StudyStore
from upbit_auto_trading.domain.robustness.paths import path_text
from upbit_auto_trading.domain.robustness.plateau import combined, objective_value
from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

FLUSH_SECONDS = 1.0
"""Finished cells are written at least this often (and at the end): a crash loses at most that much."""


def cell_specs(space: ParameterSpace, cell: Cell, segments: Sequence[str]) -> list[CellSpec]:
    """The backtests of one cell: one per segment, with the cell's value of every swept path."""
    values = tuple((path_text(path), format(value, "f")) for path, value in space.values(cell))
    return [CellSpec(cell.key, segment, values) for segment in segments]


def cell_objective(results: Sequence[CellResult], objective: str) -> float | None:
    """The objective of a cell over its segments (markets): their mean; None if any is invalid/undefined."""
    return combined([objective_value(r.metrics, objective) if r.ok else None for r in results])


@dataclass
class _Pending:
    cell: Cell
    results: list[CellResult]


class CellLoop:
    """Runs one study's cells (see the module doc). ``done`` cells were evaluated before (a resumed study)."""

    def __init__(
        self,
        store: StudyStore,
        study_id: int,
        space: ParameterSpace,
        segments: Sequence[str],
        objective: str,
        *,
        total: int,
        done: int = 0,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        clock: Callable[[], float] = time.monotonic,
        stage: str = "cells",
    ) -> None:
        self._store, self._study_id, self._space = store, study_id, space
        self._segments, self._objective = tuple(segments), objective
        self._total, self._done = total, done
        self._progress, self._cancel, self._clock, self._stage = progress, cancel, clock, stage
        self._buffer: list[tuple[list[CellResult], dict[str, str]]] = []
        self._last_flush = clock()
        self.finished: dict[str, list[CellResult]] = {}

    @property
    def cancelled(self) -> bool:
        return self._cancel is not None and self._cancel.cancelled

    def run(self, session: ExecutorSession, sampler: CellSampler, batch: int) -> bool:
        """Until the sampler has nothing more (True) or the cancel token is set (False)."""
        self._report()
        try:
            while not self.cancelled:
                cells = sampler.propose(batch)
                if not cells:
                    return True
                self._run_batch(session, sampler, cells)
            return False
        finally:
            self._flush()
            self._report()

    def _run_batch(self, session: ExecutorSession, sampler: CellSampler, cells: Sequence[Cell]) -> None:
        pending = {c.key: _Pending(c, []) for c in cells}
        specs = [spec for c in cells for spec in cell_specs(self._space, c, self._segments)]
        for result in session.map(specs, self._cancel):
            entry = pending[result.key]
            entry.results.append(result)
            if len(entry.results) == len(self._segments):
                del pending[result.key]
                self._finish(sampler, entry)

    def _finish(self, sampler: CellSampler, entry: _Pending) -> None:
        ordered = sorted(entry.results, key=lambda r: self._segments.index(r.segment))
        self.finished[entry.cell.key] = ordered
        sampler.observe(entry.cell, cell_objective(ordered, self._objective))
        self._buffer.append((ordered, self._space.labelled(entry.cell)))
        self._done += 1
        if self._clock() - self._last_flush >= FLUSH_SECONDS:
            self._flush()
        self._report()

    def _flush(self) -> None:
        if self._buffer:
            results = [r for rs, _ in self._buffer for r in rs]
            values = [v for rs, v in self._buffer for _ in rs]
            self._store.add_cells(self._study_id, results, values)
            self._buffer.clear()
        self._last_flush = self._clock()

    def _report(self) -> None:
        if self._progress is not None:
            self._progress(Progress(self._done, max(self._total, self._done), self._stage))
