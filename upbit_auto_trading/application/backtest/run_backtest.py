"""Run a saved strategy over stored candles, with progress and cancel, and store the run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.engine_runner import EngineRunner, in_thread_engine
from upbit_auto_trading.application.backtest.ports import BacktestRepository, RunCurves, RunMeta
from upbit_auto_trading.application.backtest.request import BacktestOutcome, BacktestRequest
from upbit_auto_trading.application.backtest.signals import TriggerSource, resolve_triggers, trigger_snapshot
from upbit_auto_trading.application.backtest.simulate import check_cancel, simulate
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository
from upbit_auto_trading.domain.backtest import BacktestRecord
from upbit_auto_trading.domain.backtest.events import BacktestCompleted
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

log = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RunBacktest:
    def __init__(
        self,
        strategies: StrategyRepository,
        triggers: TriggerSource,
        candles: CandleReader,
        runs: BacktestRepository,
        engine: EngineRunner | None = None,
        clock: Callable[[], str] = utc_now,
        publisher: EventPublisher | None = None,
    ) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._candles = candles
        self._runs = runs
        self._engine = engine or in_thread_engine
        self._clock = clock
        self._publisher = publisher or NoPublisher()

    def execute(
        self,
        request: BacktestRequest,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> BacktestOutcome:
        """Raises NotFoundError (strategy), MissingTriggersError, ApplicationError (no candles),
        BacktestInputError (settings) or BacktestCancelled."""
        started = self._clock()
        t0 = time.perf_counter()
        settings = request.settings()
        stored = find_strategy(self._strategies, request.strategy)
        conditions = resolve_triggers(self._triggers, stored.strategy)
        if progress is not None:
            progress(Progress(0.0, 1.0, "loading"))
        window = load_window(self._candles, request.market, request.timeframe, request.start, request.end)
        check_cancel(cancel, "loading candles")
        sim = simulate(
            stored.strategy,
            conditions,
            window,
            window.other_timeframes(self._candles),
            settings,
            engine=self._engine,
            progress=progress,
            cancel=cancel,
        )
        meta = RunMeta(
            strategy_id=stored.strategy_id,
            strategy_version=stored.version,
            started_at=started,
            finished_at=self._clock(),
            duration_ms=int((time.perf_counter() - t0) * 1000),
            triggers=trigger_snapshot(conditions),
        )
        run_id: int | None = None
        if request.store:
            if progress is not None:
                progress(Progress(0.96, 1.0, "storing"))
            run_id = self._runs.add(sim.record, meta, RunCurves(sim.result.equity, sim.result.position))
        if progress is not None:
            progress(Progress(1.0, 1.0, "done"))
        log.info("backtest %s (version %s): %s candles, %d trades in %d ms (run %s)", request.describe(),
                 stored.version, len(sim.result.candles), len(sim.record.trades), meta.duration_ms,
                 run_id)  # fmt: skip
        # From the worker thread the queue runs it on: the adapter hands it to the bus's loop.
        self._publisher.publish(_completed(stored, sim.record, run_id, meta.duration_ms))
        return BacktestOutcome(run_id, sim.record, sim.result, meta)


def _completed(
    stored: StoredStrategy, record: BacktestRecord, run_id: int | None, ms: int
) -> BacktestCompleted:
    return BacktestCompleted(
        source="backtest",
        run_id=run_id,
        strategy=stored.name,
        strategy_version=stored.version,
        market=record.market,
        timeframe=record.timeframe,
        trade_count=len(record.trades),
        candle_count=record.candle_count,
        final_equity=record.final_equity,
        duration_ms=ms,
    )
