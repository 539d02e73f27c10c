"""Walk-forward analysis: sweep each train window, run its chosen parameters on the following test window,
stitch the test windows' equity into one out-of-sample curve, and measure the walk-forward efficiency.

No decision uses a later candle: each train and test window is loaded as a backtest of that span loads it
(``load_window``: warm-up history before the span, nothing after its end), so a train window never sees its
test window and a test window's signals are computed from its own candles and the history before them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.run_backtest import utc_now
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.robustness.dto import (
    CANCELLED,
    COMPLETED,
    FAILED,
    GRID,
    SELECTIONS,
    WALK_FORWARD,
    CellResult,
    CellSpec,
    ExecutorSpec,
    StudyDefinition,
    StudySummary,
    WalkForwardRequest,
)
from upbit_auto_trading.application.robustness.execution import choose_executor
from upbit_auto_trading.application.robustness.job import Segment, SweepJob, SweepWorker
from upbit_auto_trading.application.robustness.ports import (
    ExecutorFactory,
    ExecutorSession,
    StudyStore,
    WalkForwardRecord,
    WalkForwardWindowRecord,
)
from upbit_auto_trading.application.robustness.preparation import (
    InputLoader,
    StudyInputs,
    check_space,
    load_segment,
    segment_hash,
)
from upbit_auto_trading.application.robustness.report import SweepRow, build_report
from upbit_auto_trading.application.robustness.runner import CellLoop, cell_specs
from upbit_auto_trading.application.robustness.samplers import GridSampler
from upbit_auto_trading.domain.backtest import ENGINE_VERSION
from upbit_auto_trading.domain.robustness.plateau import objective_value
from upbit_auto_trading.domain.robustness.space import Cell
from upbit_auto_trading.domain.robustness.walk_forward import (
    WalkForwardWindow,
    annualised_return,
    stitch_equity,
    walk_forward_efficiency,
    walk_forward_windows,
)
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

log = logging.getLogger(__name__)



def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def train_segment(number: int) -> str:
    return f"w{number}/train"


def test_segment(number: int) -> str:
    return f"w{number}/test"


@dataclass(frozen=True)
class WalkForwardWindowResult:
    """One window: spans (UTC; ends exclusive), the parameters chosen on the train window and how they did."""

    number: int
    train_start: datetime
    train_end: datetime
    test_start: datetime
    test_end: datetime
    chosen_key: str
    chosen: dict[str, str]
    train_value: float | None  # the objective of the chosen cell on the train window
    train_annualised: float | None
    test_metrics: dict[str, object]
    test_final_equity: str
    test_annualised: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class WalkForwardReport:
    summary: StudySummary
    definition: StudyDefinition
    windows: tuple[WalkForwardWindowResult, ...]
    times: np.ndarray  # stitched out-of-sample equity: candle starts (epoch seconds UTC)
    equity: np.ndarray
    oos_total_return: float | None
    oos_annualised: float | None
    is_annualised_mean: float | None
    efficiency: float | None  # walk-forward efficiency: OOS annualised / mean IS annualised

    def to_dict(self, curve: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "study": self.summary.to_dict(),
            "options": dict(self.definition.options),
            "objective": self.definition.objective,
            "windows": [w.to_dict() for w in self.windows],
            "oos_total_return": self.oos_total_return,
            "oos_annualised": self.oos_annualised,
            "is_annualised_mean": self.is_annualised_mean,
            "walk_forward_efficiency": self.efficiency,
        }
        if curve:
            out["equity"] = {"times": self.times.tolist(), "equity": self.equity.tolist()}
        return out


@dataclass(frozen=True)
class WalkForwardOutcome:
    study_id: int
    status: str  # completed | cancelled (a cancelled walk-forward is not resumed: run it again)
    report: WalkForwardReport | None


def _chosen(rows: Sequence[SweepRow], select: str) -> SweepRow | None:
    if select == "best":
        defined = [r for r in rows if r.value is not None]
        return max(defined, key=lambda r: r.value or 0.0) if defined else None
    return rows[0] if rows and rows[0].rank is not None else None


class RunWalkForward:
    def __init__(self, loader: InputLoader, candles: CandleReader, store: StudyStore,
                 executors: ExecutorFactory | None = None, clock: Callable[[], str] = utc_now) -> None:  # fmt: skip
        self._loader, self._candles, self._store, self._executors, self._clock = loader, candles, store, executors, clock

    def execute(
        self,
        request: WalkForwardRequest,
        executor: ExecutorSpec | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> WalkForwardOutcome:
        """Raises like ``RunSweep``; ParameterSpaceError when the period is too short for one window."""
        if request.select not in SELECTIONS:
            raise ApplicationError(f"select must be {' or '.join(SELECTIONS)}; got {request.select!r}")
        inputs = self._loader.saved(request.strategy)
        check_space(inputs, request.space, request.objective)
        if progress is not None:
            progress(Progress(0, 1, "loading"))
        windows, segments = self._segments(request, inputs)
        job = SweepJob(inputs.strategy, inputs.conditions, inputs.catalogue, segments)
        SweepWorker(job).check()
        definition = self._definition(request, inputs, windows, segments)
        study_id = self._store.create(definition, self._clock())
        log.info("walk-forward %d: %s on %s %s, %d windows x %d cells", study_id, inputs.strategy.name,
                 request.market, request.timeframe, len(windows), request.space.size)  # fmt: skip
        session = choose_executor(self._executors, executor or ExecutorSpec()).open(job)
        try:
            return self._run(study_id, definition, windows, session, progress, cancel)
        except BaseException:
            self._store.set_status(study_id, CANCELLED if cancel is not None and cancel.cancelled else FAILED)
            raise
        finally:
            session.close()

    def _segments(self, request: WalkForwardRequest, inputs: StudyInputs
                  ) -> tuple[list[WalkForwardWindow], dict[str, Segment]]:  # fmt: skip
        bounds = self._candles.load_arrays(request.market, request.timeframe, request.start, request.end)
        if len(bounds) == 0:
            raise ApplicationError(f"No {request.timeframe} candles of {request.market} are stored for that period")
        all_windows = walk_forward_windows(int(bounds.start[0]), int(bounds.start[-1]), request.train_seconds,
                                           request.test_seconds, anchored=request.anchored)  # fmt: skip
        windows: list[WalkForwardWindow] = []
        segments: dict[str, Segment] = {}
        for w in all_windows:
            try:
                train = load_segment(self._candles, request.market, request.timeframe, _utc(w.train_start),
                                     _utc(w.train_end - 1), request.costs, inputs.conditions)  # fmt: skip
                test = load_segment(self._candles, request.market, request.timeframe, _utc(w.test_start),
                                    _utc(w.test_end - 1), request.costs, inputs.conditions, keep_curve=True)  # fmt: skip
            except ApplicationError:  # a gap in the data: no candles in one of the two spans
                log.info("walk-forward window %d skipped: no candles in its train or test span", w.number)
                continue
            windows.append(w)
            segments[train_segment(w.number)], segments[test_segment(w.number)] = train, test
        if not windows:
            raise ApplicationError("No walk-forward window has candles in both its train and test spans")
        return windows, segments

    def _definition(self, request: WalkForwardRequest, inputs: StudyInputs, windows: Sequence[WalkForwardWindow],
                    segments: Mapping[str, Segment]) -> StudyDefinition:  # fmt: skip
        options = {"train_seconds": request.train_seconds, "test_seconds": request.test_seconds,
                   "anchored": request.anchored, "select": request.select,
                   "windows": [w.to_dict() for w in windows]}  # fmt: skip
        return StudyDefinition(
            kind=WALK_FORWARD, **inputs.lineage(), markets=(request.market,), timeframe=request.timeframe,
            start=request.start, end=request.end, costs=request.costs, space=request.space, sampler=GRID,
            trials=None, seed=0, objective=request.objective, engine_version=ENGINE_VERSION,
            data_hashes={name: segment_hash(s) for name, s in segments.items()},
            total_cells=request.space.size * len(windows) + len(windows), options=options,
        )  # fmt: skip

    def _run(self, study_id: int, definition: StudyDefinition, windows: Sequence[WalkForwardWindow],
             session: ExecutorSession, progress: ProgressCallback | None, cancel: CancelToken | None
             ) -> WalkForwardOutcome:  # fmt: skip
        space = definition.space
        trains = [train_segment(w.number) for w in windows]
        loop = CellLoop(self._store, study_id, space, trains, definition.objective,
                        total=space.size, progress=progress, cancel=cancel, stage="train")  # fmt: skip
        if not loop.run(session, GridSampler(space), 4096):
            self._store.set_status(study_id, CANCELLED)
            return WalkForwardOutcome(study_id, CANCELLED, None)
        stored = self._store.get(study_id)
        assert stored is not None
        results = self._store.cells(study_id)
        chosen = {w.number: _chosen(build_report(stored.summary, definition, results, [train_segment(w.number)],
                                                 with_card=False).rows, str(definition.options["select"]))
                  for w in windows}  # fmt: skip
        tests = self._run_tests(study_id, definition, windows, chosen, session, progress, cancel)
        if tests is None:
            self._store.set_status(study_id, CANCELLED)
            return WalkForwardOutcome(study_id, CANCELLED, None)
        record = _record(definition, windows, chosen, tests)
        self._store.save_walk_forward(study_id, record)
        self._store.set_status(study_id, COMPLETED, self._clock())
        return WalkForwardOutcome(study_id, COMPLETED, GetWalkForward(self._store).execute(study_id))

    def _run_tests(self, study_id: int, definition: StudyDefinition, windows: Sequence[WalkForwardWindow],
                   chosen: Mapping[int, SweepRow | None], session: ExecutorSession,
                   progress: ProgressCallback | None, cancel: CancelToken | None
                   ) -> dict[int, CellResult] | None:  # fmt: skip
        specs: list[CellSpec] = []
        for w in windows:
            row = chosen[w.number]
            if row is not None:
                specs.extend(cell_specs(definition.space, Cell(row.index), [test_segment(w.number)]))
        out: dict[int, CellResult] = {}
        for result in session.map(specs, cancel):
            number = int(result.segment.split("/")[0][1:])
            out[number] = result
            row = chosen[number]
            self._store.add_cells(study_id, [result], [row.values if row is not None else {}])
            if progress is not None:
                progress(Progress(len(out), len(specs), "test"))
        if cancel is not None and cancel.cancelled and len(out) < len(specs):
            return None
        return out


def _record(definition: StudyDefinition, windows: Sequence[WalkForwardWindow],
            chosen: Mapping[int, SweepRow | None], tests: Mapping[int, CellResult]) -> WalkForwardRecord:  # fmt: skip
    records: list[WalkForwardWindowRecord] = []
    curves, times = [], []
    for w in windows:
        row, test = chosen[w.number], tests.get(w.number)
        if row is None or test is None or not test.ok:
            continue  # no cell with a defined objective in the train window: nothing to trade in its test
        train_metrics = row.metrics.get(train_segment(w.number), {})
        records.append(WalkForwardWindowRecord(
            w.number, w.train_start, w.train_end, w.test_start, w.test_end, row.key, row.values, row.value,
            objective_value(train_metrics, "total_return"), dict(test.metrics), test.final_equity,
        ))  # fmt: skip
        if test.equity is not None and test.times is not None:
            curves.append(test.equity)
            times.append(test.times)
    initial = float(definition.costs.initial_capital)
    stitched = stitch_equity(curves, initial)
    joined = np.concatenate(times) if times else np.empty(0, dtype=np.int64)
    return WalkForwardRecord(tuple(records), joined, stitched)


class GetWalkForward:
    def __init__(self, store: StudyStore) -> None:
        self._store = store

    def execute(self, study_id: int) -> WalkForwardReport:
        stored = self._store.get(study_id)
        if stored is None or stored.definition.kind != WALK_FORWARD:
            raise NotFoundError(f"No walk-forward {study_id}; `sweep list` shows the stored studies")
        record = self._store.walk_forward(study_id)
        if record is None:
            raise ApplicationError(f"Walk-forward {study_id} did not finish ({stored.summary.status}); run it again")
        return _report(stored.summary, stored.definition, record)


def _report(summary: StudySummary, definition: StudyDefinition, record: WalkForwardRecord) -> WalkForwardReport:
    windows = tuple(_window_result(w) for w in record.windows)
    initial = float(definition.costs.initial_capital)
    growth = float(record.equity[-1]) / initial if record.equity.shape[0] else None
    oos_seconds = sum(w.test_end - w.test_start for w in record.windows)
    oos = None if growth is None else annualised_return(growth, oos_seconds)
    is_values = [w.train_annualised for w in windows]
    known = [v for v in is_values if v is not None]
    return WalkForwardReport(
        summary, definition, windows, record.times, record.equity, None if growth is None else growth - 1.0, oos,
        float(np.mean(known)) if known else None, walk_forward_efficiency(oos, is_values),
    )  # fmt: skip


def _window_result(w: WalkForwardWindowRecord) -> WalkForwardWindowResult:
    train_growth = None if w.train_total_return is None else 1.0 + w.train_total_return
    test_total = objective_value(w.test_metrics, "total_return")
    return WalkForwardWindowResult(
        w.number, _utc(w.train_start), _utc(w.train_end), _utc(w.test_start), _utc(w.test_end), w.chosen_key,
        dict(w.chosen_values), w.train_value,
        None if train_growth is None else annualised_return(train_growth, w.train_end - w.train_start),
        dict(w.test_metrics), w.test_final_equity,
        None if test_total is None else annualised_return(1.0 + test_total, w.test_end - w.test_start),
    )  # fmt: skip
