"""Ports of the robustness use cases: where cells run (executors), how cells are chosen (samplers), and
where studies are kept (the study store)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from upbit_auto_trading.application.robustness.dto import (
    CellResult,
    CellSpec,
    ExecutorSpec,
    StoredStudy,
    StudyDefinition,
    StudySummary,
)
from upbit_auto_trading.application.robustness.job import SweepJob
from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.domain.work import CancelToken


class ExecutorSession(Protocol):
    """Workers holding one ``SweepJob`` (shipped to each worker once, when the session opens)."""

    def map(self, cells: Sequence[CellSpec], cancel: CancelToken | None = None) -> Iterator[CellResult]:
        """Runs the cells and yields each result as it completes (any order). When ``cancel`` is set it
        stops handing out cells, yields what finished and returns."""
        ...

    def close(self) -> None:
        """Stops the workers (also after an error or an interrupt)."""
        ...


class SweepExecutor(Protocol):
    @property
    def workers(self) -> int:
        """How many cells run at once."""
        ...

    def open(self, job: SweepJob) -> ExecutorSession: ...


class ExecutorFactory(Protocol):
    def __call__(self, spec: ExecutorSpec) -> SweepExecutor:
        """The executor ``spec`` describes (a local process pool, this process, or a Ray cluster); raises
        ApplicationError when it cannot be had (Ray not installed, cluster unreachable)."""
        ...


class CellSampler(Protocol):
    """Chooses which cells of a space to evaluate, possibly from what earlier cells scored."""

    def propose(self, count: int) -> list[Cell]:
        """Up to ``count`` cells to evaluate next, none already evaluated or pending; [] when done."""
        ...

    def observe(self, cell: Cell, value: float | None) -> None:
        """The objective a proposed cell scored (None: undefined or invalid)."""
        ...


class SamplerFactory(Protocol):
    def __call__(
        self, space: ParameterSpace, trials: int, seed: int, history: Sequence[tuple[Cell, float | None]]
    ) -> CellSampler:
        """A model-based sampler (Optuna's TPE) that has already seen ``history`` (a resumed study) and
        stops after ``trials`` distinct cells in all; ApplicationError when Optuna is not installed."""
        ...


@dataclass(frozen=True)
class WalkForwardWindowRecord:
    """One stored walk-forward window: its spans (epoch seconds), the chosen cell and its values, the train
    objective of that cell and the test run's metrics."""

    number: int
    train_start: int
    train_end: int
    test_start: int
    test_end: int
    chosen_key: str
    chosen_values: dict[str, str]
    train_value: float | None
    train_total_return: float | None
    test_metrics: dict[str, object]
    test_final_equity: str


@dataclass(frozen=True, eq=False)
class WalkForwardRecord:
    windows: tuple[WalkForwardWindowRecord, ...]
    times: np.ndarray  # the stitched out-of-sample equity curve's candle starts
    equity: np.ndarray


class StudyStore(Protocol):
    """Studies (sweeps and walk-forwards) with their lineage and every evaluated cell, in the profile."""

    def create(self, definition: StudyDefinition, created_at: str) -> int:
        """Stores a new running study and returns its id."""
        ...

    def add_cells(self, study_id: int, results: Sequence[CellResult], values: Sequence[dict[str, str]]) -> None:
        """Stores evaluated cells (one transaction), each with its values by dimension label."""
        ...

    def cells(self, study_id: int) -> list[CellResult]:
        """Every stored cell in the order evaluated (without curves)."""
        ...

    def set_status(self, study_id: int, status: str, finished_at: str | None = None) -> None: ...

    def save_walk_forward(self, study_id: int, record: WalkForwardRecord) -> None: ...

    def walk_forward(self, study_id: int) -> WalkForwardRecord | None: ...

    def get(self, study_id: int) -> StoredStudy | None: ...

    def list(self, kind: str | None = None) -> list[StudySummary]:
        """Newest first."""
        ...

    def delete(self, study_id: int) -> bool: ...
