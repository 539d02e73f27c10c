"""Running a study's cells: choose the sampler, open the executor, run the loop, record the status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.robustness.dto import (
    CANCELLED,
    COMPLETED,
    FAILED,
    GRID,
    OPTUNA,
    CellResult,
    ExecutorSpec,
    StudyDefinition,
)
from upbit_auto_trading.application.robustness.inline import InlineExecutor
from upbit_auto_trading.application.robustness.job import SweepJob
from upbit_auto_trading.application.robustness.ports import (
    CellSampler,
    ExecutorFactory,
    SamplerFactory,
    StudyStore,
    SweepExecutor,
)
from upbit_auto_trading.application.robustness.report import SweepReport, build_report, group_cells
from upbit_auto_trading.application.robustness.runner import CellLoop, cell_objective
from upbit_auto_trading.application.robustness.samplers import GridSampler
from upbit_auto_trading.domain.robustness.space import Cell
from upbit_auto_trading.domain.work import CancelToken, ProgressCallback

GRID_BATCH = 4096
"""Grid cells handed to the executor at once (it spreads them over its workers)."""


@dataclass(frozen=True)
class SweepOutcome:
    """A sweep that ran to the end (``status`` "completed") or stopped at a cancel ("cancelled": resume it
    with ``ResumeSweep``); ``report`` ranks what was evaluated."""

    study_id: int
    status: str
    evaluated: int
    total: int
    report: SweepReport


def choose_executor(executors: ExecutorFactory | None, spec: ExecutorSpec) -> SweepExecutor:
    """One local worker runs in this process (no process to start); anything else is the factory's."""
    if executors is None or (spec.ray_address is None and spec.workers == 1):
        return InlineExecutor()
    return executors(spec)


def planned_cells(definition: StudyDefinition) -> int:
    size = definition.space.size
    return size if definition.sampler == GRID else min(size, definition.trials or size)


def make_sampler(
    definition: StudyDefinition, stored: Sequence[CellResult], optuna: SamplerFactory | None
) -> CellSampler:
    """The study's sampler, having seen the cells already stored (in the order they were evaluated)."""
    done = group_cells(stored, list(definition.markets))
    if definition.sampler == GRID:
        return GridSampler(definition.space, done)
    if definition.sampler != OPTUNA:
        raise ApplicationError(f"unknown sampler {definition.sampler!r}; use grid or optuna")
    if optuna is None:
        raise ApplicationError(
            "The optuna sampler needs Optuna: pip install -e '.[optuna]' (or use the grid sampler)"
        )
    history = [(Cell.from_key(k), cell_objective(rs, definition.objective)) for k, rs in done.items()]
    return optuna(definition.space, planned_cells(definition), definition.seed, history)


class StudyExecution:
    """Runs a stored study's remaining cells and returns its outcome."""

    def __init__(self, store: StudyStore, executors: ExecutorFactory | None,
                 optuna: SamplerFactory | None, clock: Callable[[], str]) -> None:  # fmt: skip
        self._store, self._executors, self._optuna, self._clock = store, executors, optuna, clock

    def run(self, study_id: int, definition: StudyDefinition, job: SweepJob, spec: ExecutorSpec,
            progress: ProgressCallback | None, cancel: CancelToken | None) -> SweepOutcome:  # fmt: skip
        stored = self._store.cells(study_id)
        sampler = make_sampler(definition, stored, self._optuna)
        total = planned_cells(definition)
        done = len(group_cells(stored, list(definition.markets)))
        executor = choose_executor(self._executors, spec)
        batch = GRID_BATCH if definition.sampler == GRID else max(1, executor.workers)
        loop = CellLoop(self._store, study_id, definition.space, definition.markets, definition.objective,
                        total=total, done=done, progress=progress, cancel=cancel)  # fmt: skip
        session = executor.open(job)
        try:
            finished = loop.run(session, sampler, batch)
        except BaseException:
            self._store.set_status(study_id, FAILED if not loop.cancelled else CANCELLED)
            raise
        finally:
            session.close()
        status = COMPLETED if finished else CANCELLED
        self._store.set_status(study_id, status, self._clock() if finished else None)
        return self.outcome(study_id, status)

    def outcome(self, study_id: int, status: str) -> SweepOutcome:
        stored = self._store.get(study_id)
        if stored is None:
            raise ApplicationError(f"sweep {study_id} vanished while it ran (deleted by another window?)")
        report = build_report(stored.summary, stored.definition, self._store.cells(study_id))
        return SweepOutcome(study_id, status, stored.summary.evaluated, planned_cells(stored.definition), report)
