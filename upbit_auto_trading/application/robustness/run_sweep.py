"""Start a parameter sweep: every cell (or Optuna's choice of cells) of a space, on one or more markets,
stored with its lineage as it runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from upbit_auto_trading.application.backtest.run_backtest import utc_now
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.robustness.dto import (
    SAMPLERS,
    SWEEP,
    ExecutorSpec,
    StudyDefinition,
    SweepRequest,
)
from upbit_auto_trading.application.robustness.execution import StudyExecution, SweepOutcome
from upbit_auto_trading.application.robustness.job import SweepJob, SweepWorker
from upbit_auto_trading.application.robustness.ports import ExecutorFactory, SamplerFactory, StudyStore
from upbit_auto_trading.application.robustness.preparation import (
    InputLoader,
    check_space,
    load_segment,
    segment_hash,
)
from upbit_auto_trading.domain.backtest import ENGINE_VERSION
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

log = logging.getLogger(__name__)


def _check_request(request: SweepRequest) -> None:
    if request.sampler not in SAMPLERS:
        raise ApplicationError(f"unknown sampler {request.sampler!r}; use {' or '.join(SAMPLERS)}")
    if request.sampler != "grid" and (request.trials is None or request.trials < 1):
        raise ApplicationError("the optuna sampler needs a number of trials of at least 1")
    if not request.markets:
        raise ApplicationError("a sweep needs at least one market")
    if len(set(request.markets)) != len(request.markets):
        raise ApplicationError("a market is given twice")


class RunSweep:
    def __init__(
        self,
        loader: InputLoader,
        candles: CandleReader,
        store: StudyStore,
        executors: ExecutorFactory | None = None,
        optuna: SamplerFactory | None = None,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self._loader, self._candles, self._store, self._clock = loader, candles, store, clock
        self._execution = StudyExecution(store, executors, optuna, clock)

    def execute(
        self,
        request: SweepRequest,
        executor: ExecutorSpec | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> SweepOutcome:
        """Raises NotFoundError (strategy), MissingTriggersError, ParameterPathError / ParameterSpaceError
        (the space), ApplicationError (no candles, an executor that cannot start). A cancel stops it with
        the cells done stored (outcome status "cancelled")."""
        _check_request(request)
        inputs = self._loader.saved(request.strategy)
        check_space(inputs, request.space, request.objective)
        if progress is not None:
            progress(Progress(0, 1, "loading"))
        segments = {m: load_segment(self._candles, m, request.timeframe, request.start, request.end,
                                    request.costs, inputs.conditions) for m in request.markets}  # fmt: skip
        job = SweepJob(inputs.strategy, inputs.conditions, inputs.catalogue, segments)
        SweepWorker(job).check()
        definition = StudyDefinition(
            kind=SWEEP, **inputs.lineage(), markets=tuple(request.markets), timeframe=segments[request.markets[0]]
            .window.candles.timeframe, start=request.start, end=request.end, costs=request.costs,
            space=request.space, sampler=request.sampler, trials=request.trials, seed=request.seed,
            objective=request.objective, engine_version=ENGINE_VERSION,
            data_hashes={name: segment_hash(s) for name, s in segments.items()},
            total_cells=request.space.size,
        )  # fmt: skip
        study_id = self._store.create(definition, self._clock())
        log.info("sweep %d: %s on %s %s, %d cells (%s)", study_id, inputs.strategy.name, ",".join(request.markets),
                 request.timeframe, request.space.size, request.sampler)  # fmt: skip
        return self._execution.run(study_id, definition, job, executor or ExecutorSpec(), progress, cancel)
