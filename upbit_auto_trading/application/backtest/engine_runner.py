"""The engine step of a run as one job, and the port that runs it (in this thread, or a worker process)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from upbit_auto_trading.domain.backtest import BacktestResult, BacktestSettings, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.work import CancelToken, ProgressCallback

ENGINE_CHUNK = 16_384
"""Candles per engine step: progress and cancel are looked at between steps (results do not depend on it)."""


@dataclass(frozen=True, eq=False)
class EngineJob:
    """What the engine runs: the tested candles and the strategy's signals for them (``exit_`` None when
    the strategy has no exit triggers). ``progress`` is told candles done of candles total; ``cancel`` is
    looked at between engine steps."""

    candles: CandleArrays
    entry: np.ndarray
    exit_: np.ndarray | None
    strategy: Strategy
    settings: BacktestSettings
    progress: ProgressCallback | None = None
    cancel: CancelToken | None = None


class EngineRunner(Protocol):
    """Runs an ``EngineJob``; raises ``BacktestCancelled`` when its token was cancelled."""

    def __call__(self, job: EngineJob) -> BacktestResult: ...


def in_thread_engine(job: EngineJob) -> BacktestResult:
    """Runs the (numba, nogil) engine in the calling thread."""
    return run_backtest(
        job.candles, job.entry, job.exit_, strategy=job.strategy, settings=job.settings, progress=job.progress,
        cancel=job.cancel, chunk_candles=ENGINE_CHUNK,
    )  # fmt: skip
