"""Run the engine step in a worker process (for very long runs), keeping progress and cancel.

The parent polls a shared progress value and forwards a cancel to the worker through a manager Event; the
worker sends back only the fills and curves (the parent keeps its candles).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.engine_runner import EngineJob, in_thread_engine
from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestResult,
    BacktestSettings,
    FillArrays,
    engine_rules,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import strategy_from_dict, strategy_to_dict
from upbit_auto_trading.domain.work import CancelToken, Progress


@dataclass(frozen=True, eq=False)
class _Shipped:
    """An ``EngineJob`` as it crosses to the worker: the strategy and settings as their documents (the
    callbacks stay in the parent; the worker reports through ``done`` and listens to ``event``)."""

    candles: CandleArrays
    entry: np.ndarray
    exit_: np.ndarray | None
    strategy: dict[str, Any]
    settings: dict[str, Any]

    @classmethod
    def of(cls, job: EngineJob) -> _Shipped:
        return cls(job.candles, job.entry, job.exit_, strategy_to_dict(job.strategy), job.settings.to_dict())


@dataclass(frozen=True, eq=False)
class _Outcome:
    fills: FillArrays
    equity: np.ndarray
    position: np.ndarray
    refused_orders: int
    ambiguous_candles: int


def _run_in_worker(shipped: _Shipped, event: Any, done: Any) -> _Outcome:
    def progress(step: Progress) -> None:
        done.value = int(step.done)

    job = EngineJob(
        shipped.candles, shipped.entry, shipped.exit_, strategy_from_dict(shipped.strategy),
        BacktestSettings.from_dict(shipped.settings), progress=progress, cancel=CancelToken(event),
    )  # fmt: skip
    result = in_thread_engine(job)
    return _Outcome(
        result.fills, result.equity, result.position, result.refused_orders, result.ambiguous_candles
    )


class ProcessEngine:
    """An ``EngineRunner``: runs of at least ``min_candles`` candles go to a worker process, shorter ones stay
    in the calling thread (a process costs about a second to start)."""

    def __init__(self, min_candles: int = 2_000_000, poll_seconds: float = 0.1) -> None:
        self._min = min_candles
        self._poll = poll_seconds

    def __call__(self, job: EngineJob) -> BacktestResult:
        if len(job.candles) < self._min:
            return in_thread_engine(job)
        out = self._in_worker(job)
        return BacktestResult(
            candles=job.candles, settings=job.settings, rules=engine_rules(job.strategy), fills=out.fills,
            equity=out.equity, position=out.position, refused_orders=out.refused_orders,
            ambiguous_candles=out.ambiguous_candles,
        )  # fmt: skip

    def _in_worker(self, job: EngineJob) -> _Outcome:
        cancel, progress, total = job.cancel, job.progress, len(job.candles)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            event = manager.Event()
            done = manager.Value("q", 0)
            future = pool.submit(_run_in_worker, _Shipped.of(job), event, done)
            while not future.done():
                wait([future], timeout=self._poll)
                if cancel is not None and cancel.cancelled:
                    event.set()
                if progress is not None:
                    progress(Progress(int(done.value), total, "engine"))
            if cancel is not None and cancel.cancelled:
                raise BacktestCancelled("Backtest cancelled")
            return future.result()
